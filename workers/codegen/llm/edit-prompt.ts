import type { ModelMessage } from "ai";

/**
 * Taught to follow-ups only: Aider's SEARCH/REPLACE blocks, in fences tagged
 * with the file they edit, so that a small change costs a small answer (see
 * README, "Follow-ups: edit blocks"). A large change still comes as whole files.
 */
export const EDIT_SECTION = `

Changing an existing app: you get its current files in full. Answer with a short plan (at most 3 bullet lines), then ONLY the changes, as SEARCH/REPLACE blocks inside a fence tagged with the file they change:
\`\`\`html index.html
<<<<<<< SEARCH
    <h1>Todo</h1>
=======
    <h1 class="title">My to-dos</h1>
>>>>>>> REPLACE
\`\`\`
Rules for SEARCH/REPLACE blocks:
- SEARCH is an exact copy of consecutive whole lines of the current file, indentation included: as few lines as make it match exactly ONE place (usually 1 to 5).
- REPLACE is what those lines become; an empty REPLACE deletes them. To add code, SEARCH a nearby line and REPLACE it with that line plus the new code.
- Several blocks may follow each other in one fence; one fence per file (\`\`\`html index.html, \`\`\`js server.js).
- Each SEARCH is copied from the current file as given here, never from your other blocks; no two blocks may touch the same lines.
- A file you do not name in a SEARCH/REPLACE fence stays as it is.
- A block costs both the old lines and the new ones: when a change touches about half of the app or more, answer instead with the whole app: every file in full, in its fence, with no SEARCH/REPLACE markers (a file you leave out of such an answer is dropped).
- Nothing after the last fence.`;

/**
 * The second turn when a follow-up's edits did not apply: the model sees its
 * own answer and why it failed, and writes the changed files in full. The
 * request itself ends the message (the last paragraph), as in the first turn.
 */
export function repairMessages(first: ModelMessage[], answer: string, reason: string, prompt: string): ModelMessage[] {
	return [
		...first,
		{ role: "assistant", content: answer },
		{
			role: "user",
			content: `Your edit could not be applied (${reason}). Answer again, with a one-line plan and then every file of the app written in full, in its tagged fence, with no SEARCH/REPLACE blocks. The change:\n\n${prompt}`,
		},
	];
}
