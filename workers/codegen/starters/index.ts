/**
 * Starter prompts, as the original Cerebras Coder had: apps written by hand and
 * stored with their prompts. A new generation whose prompt is exactly one of
 * these (ignoring surrounding whitespace) is answered at once with the stored
 * app, without calling any model, so the main flow works offline.
 */
import calculator from "./calculator.html";
import guestbook from "./guestbook.html";
import snake from "./snake.html";
import timer from "./timer.html";
import tipCalculator from "./tip-calculator.html";
import todo from "./todo.html";

export interface Starter {
	id: string;
	title: string;
	prompt: string;
	/** The page. */
	code: string;
	/** The server module, for a full-stack starter. */
	server?: string;
}

export const STARTERS: readonly Starter[] = [
	{ id: "calculator", title: "Calculator", prompt: "Build me a calculator app", code: calculator },
	{
		id: "todo",
		title: "Shared to-do list",
		prompt: "Build a to-do list that everyone who opens it shares, and that keeps its items",
		code: todo,
	},
	{ id: "snake", title: "Snake", prompt: "Make a snake game I can play with the arrow keys", code: snake },
	{ id: "timer", title: "Timer and stopwatch", prompt: "Make a countdown timer with a stopwatch mode", code: timer },
	{
		id: "guestbook",
		title: "Guest book",
		prompt: "Make a guest book where visitors leave their name and a note",
		code: guestbook,
	},
	{
		id: "tip-calculator",
		title: "Tip calculator",
		prompt: "Build a tip calculator that splits the bill",
		code: tipCalculator,
	},
];

const byPrompt = new Map(STARTERS.map((s) => [s.prompt, s]));

/** The starter whose prompt this is, exactly (surrounding whitespace ignored). */
export function findStarter(prompt: string): Starter | undefined {
	return byPrompt.get(prompt.trim());
}
