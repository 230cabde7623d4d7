/**
 * The one applier of a follow-up's answer, used by the codegen Worker (what it
 * stores) and the SPA (what the code view shows while the answer streams).
 *
 * A follow-up may answer with edit blocks instead of whole files: Aider's
 * SEARCH/REPLACE format, inside a fence tagged with the file it edits
 * (```` ```html index.html ````, ```` ```js server.js ````), several blocks to a
 * fence:
 *
 *     <<<<<<< SEARCH
 *     (consecutive whole lines of the current file)
 *     =======
 *     (what they become)
 *     >>>>>>> REPLACE
 *
 * Every SEARCH is located in the file as the model was shown it (or as an
 * earlier full block of the same answer wrote it), exactly, or else ignoring
 * trailing whitespace and indentation; it must match one place, and no two
 * blocks may touch the same lines. A fence of a file that holds no markers is
 * that file in full (a rewrite). With edit blocks, a file the answer does not
 * name stays as it is; an answer of whole files only is the whole app (as
 * before edit blocks existed: a page-only answer drops a server module).
 * The text may stop anywhere: a block whose REPLACE is still arriving is shown
 * applied so far, and counts as `cut` once the answer is over.
 */

import {
	type AppFile,
	type ExtractCode,
	extractApp,
	PAGE_FILE,
	readStream,
	SERVER_FILE,
	type StreamView,
	scanBlocks,
} from "./answer";

export interface AppFiles {
	html: string;
	server: string | null;
}

export type EditFaultKind = "missing" | "ambiguous" | "overlap" | "cut";

export interface EditFault {
	file: AppFile;
	/** 1-based number of the edit block in the answer. */
	block: number;
	kind: EditFaultKind;
	message: string;
}

/** A block applied: where its lines are in the resulting file (0-based, end exclusive). */
export interface AppliedBlock {
	file: AppFile;
	block: number;
	from: number;
	to: number;
	match: "exact" | "whitespace";
}

export interface EditedFile {
	name: AppFile;
	text: string;
	/** Line ranges of the result that the answer changed (0-based, end exclusive); a rewrite is one range. */
	changed: { from: number; to: number }[];
	/** The line being written now, while an edit streams (0-based), else null. */
	cursor: number | null;
	/** False while this file's last block is still arriving. */
	complete: boolean;
}

export interface AppliedAnswer {
	/** The app as the answer leaves it, the page first (no page: its text is ""). */
	files: EditedFile[];
	/** Edit blocks applied (complete ones only). */
	blocks: AppliedBlock[];
	/** Whether some file was written in full. */
	rewrite: boolean;
	/** Whether the answer holds edit blocks at all. */
	edits: boolean;
	faults: EditFault[];
	/** The file of the block being written now, if the answer stops inside one. */
	writing: AppFile | null;
}

const SEARCH = /^[ \t]*<{5,9} ?SEARCH[ \t]*$/;
const DIVIDER = /^[ \t]*={5,9}[ \t]*$/;
const REPLACE = /^[ \t]*>{5,9} ?REPLACE[ \t]*$/;
const EDIT_FENCE = /^\s*<{5,9} ?SEARCH/;
/** A fence body that may still become an edit fence (its first line is arriving). */
const MAYBE_EDIT_FENCE = /^\s*<{0,9}( ?S?E?A?R?C?H?)?$/;

/** Whether a fence's body is SEARCH/REPLACE blocks rather than a whole file. */
export function isEditBody(body: string): boolean {
	return EDIT_FENCE.test(body);
}

interface EditBlock {
	search: string[];
	replace: string[];
	/** "replace" while its REPLACE lines are arriving; "done" once its closing marker came. */
	phase: "search" | "replace" | "done";
}

/** The SEARCH/REPLACE blocks of one fence body. A line still arriving (no newline yet) never is a marker. */
export function parseEditBlocks(body: string): EditBlock[] {
	const lines = body.split("\n");
	const partial = lines.pop() ?? ""; // "" when the body ends with a newline
	const blocks: EditBlock[] = [];
	let cur: EditBlock | null = null;
	for (const line of lines) {
		if (cur === null || cur.phase === "done") {
			if (SEARCH.test(line)) {
				cur = { search: [], replace: [], phase: "search" };
				blocks.push(cur);
			}
			// Text between blocks (a file name, a remark) is not part of any block.
		} else if (cur.phase === "search") {
			if (DIVIDER.test(line)) cur.phase = "replace";
			else cur.search.push(line);
		} else if (REPLACE.test(line)) cur.phase = "done";
		else cur.replace.push(line);
	}
	// Shown while it streams; a half-written marker (">>>", "===") is held back.
	if (cur?.phase === "replace" && partial !== "" && !/^[ \t]*[>=]+/.test(partial)) cur.replace.push(partial);
	return blocks;
}

type Located =
	| { ok: true; from: number; to: number; match: "exact" | "whitespace" }
	| { ok: false; kind: "missing" | "ambiguous" };

/** Where `search` (whole lines) is in `lines`: exactly, else ignoring indentation and trailing whitespace. */
export function locate(lines: string[], search: string[]): Located {
	if (search.length === 0) {
		// An empty SEARCH creates a file: it matches only a file that is empty.
		return lines.length === 1 && lines[0] === ""
			? { ok: true, from: 0, to: 1, match: "exact" }
			: { ok: false, kind: "missing" };
	}
	for (const [match, norm] of [
		["exact", (s: string) => s],
		["whitespace", (s: string) => s.trim()],
	] as const) {
		const want = search.map(norm);
		const found: number[] = [];
		for (let i = 0; i + want.length <= lines.length && found.length < 2; i++) {
			let k = 0;
			while (k < want.length && norm(lines[i + k]) === want[k]) k++;
			if (k === want.length) found.push(i);
		}
		if (found.length > 1) return { ok: false, kind: "ambiguous" };
		if (found.length === 1) return { ok: true, from: found[0], to: found[0] + want.length, match };
	}
	return { ok: false, kind: "missing" };
}

/** The replacement, re-indented by what the file's lines have that the SEARCH lacked (or vice versa). */
function reindent(replace: string[], search: string[], matched: string[]): string[] {
	const i = search.findIndex((l) => l.trim() !== "");
	if (i < 0) return replace;
	const want = /^\s*/.exec(matched[i])?.[0] ?? "";
	const had = /^\s*/.exec(search[i])?.[0] ?? "";
	if (want === had) return replace;
	if (want.endsWith(had)) {
		const extra = want.slice(0, want.length - had.length);
		return replace.map((l) => (l.trim() === "" ? l : extra + l));
	}
	if (had.endsWith(want)) {
		const less = had.length - want.length;
		return replace.map((l) => ((/^\s*/.exec(l)?.[0].length ?? 0) >= less ? l.slice(less) : l));
	}
	return replace;
}

interface Edit {
	from: number;
	to: number;
	replace: string[];
	block: number;
	match: "exact" | "whitespace";
	streaming: boolean;
}

interface FileState {
	/** The text the SEARCH blocks are located in: the base file, or this answer's last full block of it. */
	origin: string;
	edits: Edit[];
	rewritten: boolean;
	touched: boolean;
	complete: boolean;
}

const MESSAGES: Record<EditFaultKind, string> = {
	missing: "its SEARCH text is not in the file",
	ambiguous: "its SEARCH text matches more than one place",
	overlap: "it changes lines that another block changes too",
	cut: "the answer stops before its >>>>>>> REPLACE line",
};

/**
 * The app an answer leaves, given the files it was asked to change (`base`;
 * null for a new app). `final`: the answer is over, so a block still open is `cut`.
 */
export function applyAnswer(answer: string, base: AppFiles | null, opts: { final?: boolean } = {}): AppliedAnswer {
	const state = new Map<AppFile, FileState>();
	const fresh = (origin: string): FileState => ({
		origin,
		edits: [],
		rewritten: false,
		touched: false,
		complete: true,
	});
	state.set(PAGE_FILE, fresh(base?.html ?? ""));
	if (base?.server != null) state.set(SERVER_FILE, fresh(base.server));
	const faults: EditFault[] = [];
	const applied: Omit<AppliedBlock, "from" | "to">[] = [];
	let edits = false;
	let rewrite = false;
	let writing: AppFile | null = null;
	let blockNo = 0;
	for (const b of scanBlocks(answer)) {
		if (!b.file) continue;
		const file = b.file;
		const st = state.get(file) ?? fresh("");
		state.set(file, st);
		st.touched = true;
		st.complete = b.closed;
		if (!b.closed) writing = file;
		if (!isEditBody(b.body)) {
			if (!b.closed && MAYBE_EDIT_FENCE.test(b.body)) continue; // may still turn out to be an edit fence
			// A whole file: it replaces the file, and any edits of it before.
			rewrite = true;
			st.origin = b.closed ? b.body.trim() : b.body.replace(/\n[ \t]*`{1,3}$/, "\n");
			st.edits = [];
			st.rewritten = true;
			continue;
		}
		edits = true;
		const lines = st.origin.split("\n");
		for (const e of parseEditBlocks(b.body)) {
			blockNo++;
			const open = e.phase !== "done";
			if (open && (opts.final || b.closed)) {
				faults.push({ file, block: blockNo, kind: "cut", message: MESSAGES.cut });
				continue;
			}
			// Not shown until its SEARCH is whole and its REPLACE has begun: the view never blinks a line away.
			if (e.phase === "search" || (open && e.replace.length === 0)) continue;
			const at = locate(lines, e.search);
			if (!at.ok) {
				if (!open) faults.push({ file, block: blockNo, kind: at.kind, message: MESSAGES[at.kind] });
				continue;
			}
			if (st.edits.some((x) => at.from < x.to && x.from < at.to)) {
				if (!open) faults.push({ file, block: blockNo, kind: "overlap", message: MESSAGES.overlap });
				continue;
			}
			const replace = at.match === "exact" ? e.replace : reindent(e.replace, e.search, lines.slice(at.from, at.to));
			st.edits.push({ from: at.from, to: at.to, replace, block: blockNo, match: at.match, streaming: open });
			if (!open) applied.push({ file, block: blockNo, match: at.match });
		}
	}
	const files: EditedFile[] = [];
	const where = new Map<number, { from: number; to: number }>();
	for (const [name, st] of [...state].sort(([a], [b]) => (a === PAGE_FILE ? -1 : b === PAGE_FILE ? 1 : 0))) {
		// With no base, a file is shown only once the answer writes it.
		if (!st.touched && base === null) continue;
		const out = compose(st);
		for (const [block, range] of out.ranges) where.set(block, range);
		files.push({ name, text: out.text, changed: out.changed, cursor: out.cursor, complete: st.complete });
	}
	const blocks = applied.map((a) => ({ ...a, ...(where.get(a.block) ?? { from: 0, to: 0 }) }));
	return { files, blocks, rewrite, edits, faults, writing };
}

/** A file's origin with its edits applied, and where each edit's lines landed. */
function compose(st: FileState) {
	const lines = st.origin.split("\n");
	if (st.edits.length === 0) {
		const changed = st.rewritten && st.origin !== "" ? [{ from: 0, to: lines.length }] : [];
		return { text: st.origin, changed, cursor: null, ranges: new Map<number, { from: number; to: number }>() };
	}
	const out: string[] = [];
	const changed: { from: number; to: number }[] = [];
	const ranges = new Map<number, { from: number; to: number }>();
	let cursor: number | null = null;
	let at = 0;
	for (const e of [...st.edits].sort((a, b) => a.from - b.from)) {
		out.push(...lines.slice(at, e.from));
		const from = out.length;
		out.push(...e.replace);
		const range = { from, to: out.length };
		changed.push(range);
		ranges.set(e.block, range);
		if (e.streaming) cursor = Math.max(from, out.length - 1);
		at = e.to;
	}
	out.push(...lines.slice(at));
	return { text: out.join("\n"), changed, cursor, ranges };
}

/** One line saying what went wrong with an answer's edits, for the repair request and the error. */
export function describeFaults(faults: EditFault[]): string {
	return faults.map((f) => `block ${f.block} of ${f.file}: ${f.message}`).join("; ");
}

// ------------------------------------------------------------ when it is finished (the server)

export type EditExtraction =
	| { ok: true; html: string; server: string | null; blocks: number; rewrite: boolean }
	| {
			ok: false;
			code: ExtractCode | "edit_failed";
			message: string;
			/** The answer used edit blocks: one repair turn, asking for the full files, may still save it. */
			repairable: boolean;
	  };

/**
 * The app a finished follow-up leaves: `base` with the answer's edits and
 * whole files applied. Refused, like a new app's answer, when it is empty, cut
 * off or holds no page; and when an edit block does not apply (`edit_failed`),
 * or the edited page lost its `</html>`. Nothing here stores a half-applied app.
 */
export function extractEdit(answer: string, finishReason: string | undefined, base: AppFiles): EditExtraction {
	const applied = applyAnswer(answer, base, { final: true });
	const fail = (code: ExtractCode | "edit_failed", message: string): EditExtraction => ({
		ok: false,
		code,
		message,
		repairable: applied.edits,
	});
	if (answer.trim() === "") return fail("empty_answer", "The model answered with nothing.");
	if (finishReason === "length")
		return fail("truncated_answer", "The model stopped at its output limit before finishing.");
	if (!applied.edits) {
		// Whole files only: the whole app, read as a new app's answer is (a file left out is dropped).
		const whole = extractApp(answer, finishReason);
		return whole.ok ? { ...whole, blocks: 0, rewrite: true } : { ...whole, repairable: false };
	}
	if (applied.faults.length)
		return fail("edit_failed", `The model's edit does not apply: ${describeFaults(applied.faults)}.`);
	if (applied.writing) {
		return fail(
			"truncated_answer",
			`The model's ${applied.writing} ends before its closing fence: the answer was cut short.`,
		);
	}
	const html = (applied.files.find((f) => f.name === PAGE_FILE)?.text ?? "").trim();
	const server = applied.files.find((f) => f.name === SERVER_FILE)?.text.trim() ?? null;
	if (html === "") return fail("empty_answer", "The model's page is empty.");
	const closes = /<\/html\s*>/i.test(html);
	if ((/<html[\s>]/i.test(html) || /<\/html\s*>/i.test(base.html)) && !closes) {
		return applied.edits
			? fail("edit_failed", "The edited page no longer ends with </html>.")
			: fail("truncated_answer", "The model's HTML opens <html> but never closes it: the answer was cut short.");
	}
	if (server !== null && server === "") return fail("invalid_server", `The model's ${SERVER_FILE} is empty.`);
	return { ok: true, html, server, blocks: applied.blocks.length, rewrite: applied.rewrite };
}

// ------------------------------------------------------------ while streaming (the SPA)

/** What a follow-up's answer has made of `base` so far, for the code view: every file, edited lines marked. */
export function readEdit(answer: string, base: AppFiles): StreamView {
	const applied = applyAnswer(answer, base);
	const whole = readStream(answer);
	// Whole files only: shown as a new app's answer is (what is stored), once the first one starts.
	if (!applied.edits && applied.rewrite) return whole;
	const { plan } = whole;
	return {
		plan,
		files: applied.files.map((f) => ({
			name: f.name,
			code: f.text,
			complete: f.complete,
			changed: f.changed,
			cursor: f.cursor,
		})),
		writing: applied.writing,
	};
}
