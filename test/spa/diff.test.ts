/**
 * The Changes view's line diff (src/spa/lib/diff.ts): counts, hunks and line
 * numbers as `diff -u` would give them, on short files and on long ones.
 */
import { describe, expect, it } from "vitest";
import { diffLines } from "../../src/spa/lib/diff";

const file = (n: number, edit: (i: number) => string | undefined = () => undefined) =>
	`${Array.from({ length: n }, (_, i) => edit(i + 1) ?? `  <p>line ${i + 1}</p>`).join("\n")}\n`;

describe("diffLines", () => {
	it("finds a two-line change in a 2,100-line file as +2/−2, in two small hunks", () => {
		const before = file(2100);
		const after = file(2100, (n) =>
			n === 10 ? "  <p>ten</p>" : n === 2090 ? "  <p>two thousand ninety</p>" : undefined,
		);
		const d = diffLines(before, after);
		expect([d.added, d.removed]).toEqual([2, 2]);
		expect(d.hunks.map((h) => [h.aStart, h.bStart, h.lines.length])).toEqual([
			[7, 7, 8],
			[2087, 2087, 8],
		]);
		expect(d.hunks[0].lines.filter((l) => l.kind !== "same")).toEqual([
			{ kind: "del", text: "  <p>line 10</p>", a: 10 },
			{ kind: "add", text: "  <p>ten</p>", b: 10 },
		]);
	});

	it("numbers both sides after an insertion and a deletion", () => {
		const d = diffLines("a\nb\nc\nd\n", "a\nx\nb\nc\n", 1);
		expect(d.added).toBe(1);
		expect(d.removed).toBe(1);
		expect(d.hunks.flatMap((h) => h.lines)).toEqual([
			{ kind: "same", text: "a", a: 1, b: 1 },
			{ kind: "add", text: "x", b: 2 },
			{ kind: "same", text: "b", a: 2, b: 3 },
			{ kind: "same", text: "c", a: 3, b: 4 },
			{ kind: "del", text: "d", a: 4 },
		]);
	});

	it("shows removals before additions within a changed run", () => {
		const d = diffLines("one\ntwo\n", "uno\ndos\n");
		expect(d.hunks[0].lines.map((l) => l.kind)).toEqual(["del", "del", "add", "add"]);
	});

	it("ignores line endings: CRLF and a missing final newline are not changes", () => {
		expect(diffLines("a\r\nb\r\n", "a\nb").hunks).toEqual([]);
		expect(diffLines("same\n", "same\n")).toEqual({ added: 0, removed: 0, hunks: [] });
	});

	it("diffs from and to an empty file", () => {
		expect(diffLines("", "a\nb\n")).toMatchObject({ added: 2, removed: 0 });
		expect(diffLines("a\n", "")).toMatchObject({ added: 0, removed: 1 });
	});
});
