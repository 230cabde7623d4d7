/**
 * A generated app of a given length and answers that change it, for the edit
 * tests, the browser test and the edits bench: a page whose every line is
 * distinct (so a one-line SEARCH matches one place), and the model's answers
 * as a follow-up would write them, as SEARCH/REPLACE blocks or whole files.
 */

/**
 * A complete page of `lines` lines (at least 11): rows of text, each line
 * distinct except the two `<hr>` lines (for a SEARCH that matches twice).
 */
export function bigApp(lines: number): string {
	const rows = Math.max(1, lines - 10);
	const out = [
		"<!DOCTYPE html>",
		'<html lang="en">',
		"<head><title>Big app</title>",
		"<style>.row { padding: 2px }</style>",
		"</head>",
		"<body>",
		"  <hr>",
	];
	for (let i = 1; i <= rows; i++)
		out.push(`  <p class="row" id="r${i}">Row ${i} of the big app, with some text to read</p>`);
	out.push("  <hr>", "</body>", "</html>");
	return out.join("\n");
}

/** The 1-based line number of row `n` of a `bigApp`. */
export function rowLine(app: string, n: number): number {
	return app.split("\n").findIndex((l) => l.includes(`id="r${n}"`)) + 1;
}

/** `app` with line `n` (1-based) replaced. */
export function withLine(app: string, n: number, line: string): string {
	const lines = app.split("\n");
	lines[n - 1] = line;
	return lines.join("\n");
}

export interface Change {
	search: string;
	replace: string;
}

/** A follow-up's answer: a plan, then one fence of SEARCH/REPLACE blocks for `file`. */
export function editAnswer(changes: Change[], file = "index.html", lang = "html"): string {
	const blocks = changes.map((c) => `<<<<<<< SEARCH\n${c.search}\n=======\n${c.replace}\n>>>>>>> REPLACE\n`);
	return `- ${changes.length} change(s) to ${file}\n\n\`\`\`${lang} ${file}\n${blocks.join("")}\`\`\`\n`;
}

/** A follow-up's answer that writes files in full. */
export function fullAnswer(html: string, server?: string): string {
	const page = `\`\`\`html index.html\n${html}\n\`\`\`\n`;
	return `- the whole app again\n\n${page}${server === undefined ? "" : `\n\`\`\`js server.js\n${server}\n\`\`\`\n`}`;
}

/** `app` with lines `from`..`to` (1-based, inclusive) changed, and the one block that does it. */
export function changeLines(app: string, from: number, to: number, edit: (line: string) => string) {
	const lines = app.split("\n");
	const search = lines.slice(from - 1, to);
	const replace = search.map(edit);
	const result = [...lines.slice(0, from - 1), ...replace, ...lines.slice(to)].join("\n");
	return { result, change: { search: search.join("\n"), replace: replace.join("\n") } };
}
