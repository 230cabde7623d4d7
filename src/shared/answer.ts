/**
 * The one reader of a model's answer, used by the codegen Worker (what it
 * stores) and the SPA (what it shows while the answer streams), so that what a
 * person watches is what Kiln keeps.
 *
 * An answer is a short plan, then fenced blocks. A block's info string names
 * its language and, optionally, the file it holds: ```` ```html index.html ````
 * (the page) and ```` ```js server.js ```` (the app's server module). An
 * untagged ```` ```html ```` or ```` ```htm ```` fence, or a bare fence holding
 * an HTML document, is the page too. Any other block (a ```` ```thinking ````
 * plan, a snippet) is not part of the app. When a file appears in several
 * blocks, the LAST one is the file: models write a draft and then the real
 * thing, and the reader shows the block being written, so both sides agree.
 *
 * `scanBlocks` is the layer the edits format builds on: a block knows its file
 * and its info string, so SEARCH/REPLACE blocks are told apart by the same
 * tags. A follow-up's answer is applied to the version it edits by
 * `./edits.ts`, which builds on this reader.
 */

import { sha256Hex } from "./hash";

/** The page every app has. */
export const PAGE_FILE = "index.html";
/** The optional server module: an ES module whose default export has `fetch(request, env)`. */
export const SERVER_FILE = "server.js";
export type AppFile = typeof PAGE_FILE | typeof SERVER_FILE;

export interface Block {
	/** Which of the app's files this block holds; null for any other block. */
	file: AppFile | null;
	/** The fence's info string, trimmed: "html", "js server.js", "". */
	info: string;
	/** The text between the fences (a block still being written runs to the end). */
	body: string;
	/** False while the closing fence has not arrived: still streaming, or cut off. */
	closed: boolean;
	/** Where the opening fence line starts in the answer. */
	start: number;
}

/** A fence opening a block: up to three spaces of indent, ```, the info string, a newline. */
const FENCE_OPEN = /^[ \t]*```([^\n`]*)\n/gm;
const FENCE_CLOSE = /^[ \t]*```[ \t]*$/m;
const LOOKS_LIKE_DOCUMENT = /^\s*(<!doctype html|<html)/i;

/** The file a fence holds, from its info string and (for a bare fence) the start of its body. */
export function fileOfFence(info: string, body: string): AppFile | null {
	const words = info.trim().toLowerCase().split(/\s+/).filter(Boolean);
	if (words.includes(PAGE_FILE)) return PAGE_FILE;
	if (words.includes(SERVER_FILE)) return SERVER_FILE;
	// A file name other than ours (e.g. "js helpers.js") is not part of the app.
	if (words.length > 1) return null;
	const lang = words[0] ?? "";
	if (lang === "html" || lang === "htm") return PAGE_FILE;
	if (lang === "" && LOOKS_LIKE_DOCUMENT.test(body)) return PAGE_FILE;
	return null;
}

/** Every fenced block of an answer, in order. The text may stop anywhere. */
export function scanBlocks(answer: string): Block[] {
	const blocks: Block[] = [];
	let after = 0; // where the last block ended: a fence line before it was that block's closing line
	for (const open of answer.matchAll(FENCE_OPEN)) {
		const start = open.index ?? 0;
		if (start < after) continue;
		const bodyStart = start + open[0].length;
		const rest = answer.slice(bodyStart);
		const close = FENCE_CLOSE.exec(rest);
		const body = close ? rest.slice(0, close.index) : rest;
		after = close ? bodyStart + close.index + close[0].length : answer.length;
		const info = open[1].trim();
		blocks.push({ file: fileOfFence(info, body), info, body, closed: Boolean(close), start });
		if (!close) break;
	}
	return blocks;
}

/** The last block of each file, with the plan before the first of them. */
export function appBlocks(answer: string): { plan: string; page: Block | null; server: Block | null } {
	const blocks = scanBlocks(answer);
	const app = blocks.filter((b) => b.file !== null);
	const planEnd = app[0]?.start ?? answer.length;
	return {
		plan: answer.slice(0, planEnd),
		page: app.findLast((b) => b.file === PAGE_FILE) ?? null,
		server: app.findLast((b) => b.file === SERVER_FILE) ?? null,
	};
}

// ------------------------------------------------------------ while streaming (the SPA)

export interface StreamFile {
	name: AppFile;
	code: string;
	/** True once its closing fence has arrived. */
	complete: boolean;
	/** A follow-up's edits (src/shared/edits.ts): the lines changed (0-based, end exclusive)... */
	changed?: { from: number; to: number }[];
	/** ...and the line being written now, if an edit is streaming. */
	cursor?: number | null;
}

export interface StreamView {
	/** The model's plan, as prose (no fence lines, no "Plan:" heading). */
	plan: string;
	/** The app's files as written so far, the page first. */
	files: StreamFile[];
	/** The file being written now (the last block started), if any. */
	writing: AppFile | null;
}

/** What the model has written so far, split for display. */
export function readStream(answer: string): StreamView {
	const { plan, page, server } = appBlocks(answer);
	const files: StreamFile[] = [];
	for (const b of [page, server]) {
		if (!b?.file) continue;
		// A closing fence may be half-written at the very end.
		const code = b.closed ? b.body : b.body.replace(/\n[ \t]*`{1,3}$/, "\n");
		files.push({ name: b.file, code, complete: b.closed });
	}
	const last = [page, server].filter((b) => b !== null).sort((a, b) => b.start - a.start)[0];
	const writing = last && !last.closed ? last.file : null;
	// An opening fence may be half-written at the very end: keep it out of the plan.
	const prose = page || server ? plan : plan.replace(/\n?[ \t]*`{1,3}[^\n`]*$/, "");
	return { plan: planProse(prose), files, writing };
}

function planProse(s: string): string {
	return s
		.replace(/^[ \t]*```[^\n]*\n?/gm, "")
		.replace(/^\s*(#+\s*)?plan:?[ \t]*\n/i, "")
		.trim();
}

// ------------------------------------------------------------ when it is finished (the server)

export type ExtractCode = "empty_answer" | "no_html" | "truncated_answer" | "invalid_server";

export type Extraction =
	| { ok: true; html: string; server: string | null }
	| { ok: false; code: ExtractCode; message: string };

/**
 * The app a finished answer holds: the page, and the server module if the model
 * wrote one. A block that never closes, or a page that opens <html> and never
 * closes it, is a truncated answer: nothing here turns a bad answer into a version.
 */
export function extractApp(answer: string, finishReason?: string): Extraction {
	if (answer.trim() === "") return { ok: false, code: "empty_answer", message: "The model answered with nothing." };
	if (finishReason === "length") {
		return {
			ok: false,
			code: "truncated_answer",
			message: "The model stopped at its output limit before finishing the app.",
		};
	}
	const { page, server } = appBlocks(answer);
	// An unclosed block runs to the end of the answer: the answer stopped while writing it.
	// An earlier, finished block of the same file is a draft the model went on to replace.
	const cut = [page, server].find((b) => b && !b.closed);
	if (cut) {
		return {
			ok: false,
			code: "truncated_answer",
			message: `The model's ${cut.file} ends before its closing fence: the answer was cut short.`,
		};
	}
	if (!page) return { ok: false, code: "no_html", message: "The model's answer has no ```html block." };
	const html = page.body.trim();
	if (html === "") return { ok: false, code: "empty_answer", message: "The model's ```html block is empty." };
	if (/<html[\s>]/i.test(html) && !/<\/html\s*>/i.test(html)) {
		return {
			ok: false,
			code: "truncated_answer",
			message: "The model's HTML opens <html> but never closes it: the answer was cut short.",
		};
	}
	if (server && server.body.trim() === "") {
		return { ok: false, code: "invalid_server", message: `The model's ${SERVER_FILE} block is empty.` };
	}
	return { ok: true, html, server: server ? server.body.trim() : null };
}

/**
 * The content hash (the served app's ETag) of an app's files. A page-only app
 * hashes its page alone, as every version did before apps had servers, so
 * their ETags stay the same; with a server, both files in their fenced form.
 */
export function appContentHash(files: { html: string; server: string | null }): Promise<string> {
	return sha256Hex(files.server === null ? files.html : fencedFiles(files));
}

/** An app's files as a model (or a person) reads them: tagged fences, the page first. */
export function fencedFiles(files: { html: string; server: string | null }): string {
	const page = `\`\`\`html ${PAGE_FILE}\n${files.html}\n\`\`\``;
	return files.server === null ? page : `${page}\n\n\`\`\`js ${SERVER_FILE}\n${files.server}\n\`\`\``;
}
