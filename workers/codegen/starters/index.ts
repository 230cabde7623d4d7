/**
 * Starter prompts, as the original Cerebras Coder had: apps written by hand and
 * stored with their prompts. A new generation whose prompt is exactly one of
 * these (ignoring surrounding whitespace) is answered at once with the stored
 * app, without calling any model, so the main flow works offline.
 *
 * A full-stack starter has a server module too. It is kept as `.txt` so that
 * wrangler bundles it as text for apps' sandboxes, never as code of Kiln's own.
 */
import calculator from "./calculator.html";
import guestbook from "./guestbook.html";
import links from "./links.html";
import linksServer from "./links.server.txt";
import poll from "./poll.html";
import pollServer from "./poll.server.txt";
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
	{
		id: "poll",
		title: "Poll (with a server)",
		prompt: "Make a poll that everyone votes in, with the votes checked and counted on a server",
		code: poll,
		server: pollServer,
	},
	{
		id: "link-shortener",
		title: "Link shortener (with a server)",
		prompt: "Make a link shortener whose server checks each address and redirects its short links",
		code: links,
		server: linksServer,
	},
];

const byPrompt = new Map(STARTERS.map((s) => [s.prompt, s]));

/** The starter whose prompt this is, exactly (surrounding whitespace ignored). */
export function findStarter(prompt: string): Starter | undefined {
	return byPrompt.get(prompt.trim());
}
