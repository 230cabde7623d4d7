/**
 * Line diff of two versions, grouped into hunks with a few lines of context
 * like `diff -u`: jsdiff's Myers diff (`structuredPatch`), reshaped into rows
 * that carry each line's number on both sides for the Changes view.
 */
import { structuredPatch } from "diff";

export type DiffLine =
	| { kind: "same"; text: string; a: number; b: number }
	| { kind: "del"; text: string; a: number }
	| { kind: "add"; text: string; b: number };

export interface Hunk {
	aStart: number;
	bStart: number;
	lines: DiffLine[];
}

export interface Diff {
	added: number;
	removed: number;
	hunks: Hunk[];
}

/** A final newline is not a change worth a row: both sides end with one. */
const withFinalNewline = (s: string) => (s === "" || s.endsWith("\n") ? s : `${s}\n`);

export function diffLines(before: string, after: string, context = 3): Diff {
	const patch = structuredPatch("a", "b", withFinalNewline(before), withFinalNewline(after), undefined, undefined, {
		context,
		stripTrailingCr: true,
	});
	let added = 0;
	let removed = 0;
	const hunks = patch.hunks.map((h): Hunk => {
		let a = h.oldStart;
		let b = h.newStart;
		const rows: DiffLine[] = [];
		for (const line of h.lines) {
			const text = line.slice(1);
			if (line[0] === "+") {
				rows.push({ kind: "add", text, b: b++ });
				added++;
			} else if (line[0] === "-") {
				rows.push({ kind: "del", text, a: a++ });
				removed++;
			} else if (line[0] === " ") rows.push({ kind: "same", text, a: a++, b: b++ });
		}
		const firstA = rows.find((l) => l.kind !== "add") as { a: number } | undefined;
		const firstB = rows.find((l) => l.kind !== "del") as { b: number } | undefined;
		return { aStart: firstA?.a ?? 0, bStart: firstB?.b ?? 0, lines: rows };
	});
	return { added, removed, hunks };
}
