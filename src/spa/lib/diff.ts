/**
 * Line diff of two texts (longest common subsequence), grouped into hunks
 * with a few lines of context, like `diff -u`. Generated apps are a few
 * hundred lines; past LIMIT cells the middle is shown as replaced wholesale
 * rather than stalling the page.
 */
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

const LIMIT = 4_000_000;

export function diffLines(before: string, after: string, context = 3): Diff {
	const a = splitLines(before);
	const b = splitLines(after);
	const lines = lineDiff(a, b);
	let added = 0;
	let removed = 0;
	for (const l of lines) {
		if (l.kind === "add") added++;
		else if (l.kind === "del") removed++;
	}
	return { added, removed, hunks: toHunks(lines, context) };
}

function splitLines(s: string): string[] {
	if (s === "") return [];
	const lines = s.split(/\r?\n/);
	if (lines[lines.length - 1] === "") lines.pop();
	return lines;
}

function lineDiff(a: string[], b: string[]): DiffLine[] {
	// Common prefix and suffix first: most edits touch a small middle.
	let start = 0;
	while (start < a.length && start < b.length && a[start] === b[start]) start++;
	let endA = a.length;
	let endB = b.length;
	while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
		endA--;
		endB--;
	}
	const out: DiffLine[] = [];
	for (let i = 0; i < start; i++) out.push({ kind: "same", text: a[i], a: i + 1, b: i + 1 });
	const n = endA - start;
	const m = endB - start;
	if (n * m > LIMIT) {
		for (let i = start; i < endA; i++) out.push({ kind: "del", text: a[i], a: i + 1 });
		for (let j = start; j < endB; j++) out.push({ kind: "add", text: b[j], b: j + 1 });
	} else {
		// lcs[i][j] = LCS length of a[start+i..endA) and b[start+j..endB).
		const w = m + 1;
		const lcs = new Uint32Array((n + 1) * w);
		for (let i = n - 1; i >= 0; i--) {
			for (let j = m - 1; j >= 0; j--) {
				lcs[i * w + j] =
					a[start + i] === b[start + j]
						? lcs[(i + 1) * w + j + 1] + 1
						: Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
			}
		}
		let i = 0;
		let j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && a[start + i] === b[start + j]) {
				out.push({ kind: "same", text: a[start + i], a: start + i + 1, b: start + j + 1 });
				i++;
				j++;
			} else if (j < m && (i === n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) {
				out.push({ kind: "add", text: b[start + j], b: start + j + 1 });
				j++;
			} else {
				out.push({ kind: "del", text: a[start + i], a: start + i + 1 });
				i++;
			}
		}
	}
	for (let k = 0; k < a.length - endA; k++) {
		out.push({ kind: "same", text: a[endA + k], a: endA + k + 1, b: endB + k + 1 });
	}
	// Show removals before additions within each changed run, as diff -u does.
	return reorderRuns(out);
}

function reorderRuns(lines: DiffLine[]): DiffLine[] {
	const out: DiffLine[] = [];
	let dels: DiffLine[] = [];
	let adds: DiffLine[] = [];
	const flush = () => {
		out.push(...dels, ...adds);
		dels = [];
		adds = [];
	};
	for (const l of lines) {
		if (l.kind === "del") dels.push(l);
		else if (l.kind === "add") adds.push(l);
		else {
			flush();
			out.push(l);
		}
	}
	flush();
	return out;
}

function toHunks(lines: DiffLine[], context: number): Hunk[] {
	const hunks: Hunk[] = [];
	let current: DiffLine[] | null = null;
	let lastChange = -Infinity;
	for (let i = 0; i < lines.length; i++) {
		const l = lines[i];
		if (l.kind === "same") continue;
		const from = Math.max(0, i - context);
		if (current && from <= lastChange + context + 1) {
			for (let k = lastChange + 1; k <= i; k++) current.push(lines[k]);
		} else {
			if (current) current.push(...lines.slice(lastChange + 1, Math.min(lines.length, lastChange + 1 + context)));
			current = lines.slice(from, i + 1);
			hunks.push({ aStart: 0, bStart: 0, lines: current });
		}
		lastChange = i;
	}
	if (current) current.push(...lines.slice(lastChange + 1, Math.min(lines.length, lastChange + 1 + context)));
	for (const h of hunks) {
		const firstA = h.lines.find((l) => l.kind !== "add") as { a: number } | undefined;
		const firstB = h.lines.find((l) => l.kind !== "del") as { b: number } | undefined;
		h.aStart = firstA?.a ?? 0;
		h.bStart = firstB?.b ?? 0;
	}
	return hunks;
}
