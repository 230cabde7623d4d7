import { describe, expect, it } from "vitest";
import { applyAnswer, extractEdit, readEdit } from "../../src/shared/edits";
import { bigApp, editAnswer, rowLine } from "../fakes/big-app";

// The SPA's view of a follow-up while it streams (src/shared/edits.ts): the
// edited file changing live, the changed lines, and at the end what is stored.

const APP = bigApp(40);
const base = { html: APP, server: null };
const line = (n: number) => APP.split("\n")[rowLine(APP, n) - 1];

describe("readEdit", () => {
	const answer = editAnswer([
		{ search: line(3), replace: "  <p>three</p>\n  <p>three and a half</p>" },
		{ search: line(20), replace: "  <p>twenty</p>" },
	]);

	it("shows the whole file at every point of the stream, an edit applied as its REPLACE arrives", () => {
		for (let i = 0; i <= answer.length; i++) {
			const view = readEdit(answer.slice(0, i), base);
			const page = view.files[0];
			expect(page.name).toBe("index.html");
			// Never less than the base, never a marker line.
			expect(page.code.split("\n").length).toBeGreaterThanOrEqual(APP.split("\n").length);
			expect(page.code).not.toMatch(/<<<<<<<|=======|>>>>>>>/);
		}
		const mid = answer.indexOf("three and");
		const live = readEdit(answer.slice(0, mid + 5), base).files[0];
		expect(live.code).toContain("  <p>three</p>\n  <p>thr");
		expect(live.code).not.toContain(line(3));
		expect(live.cursor).toBe(rowLine(APP, 3));
		expect(live.complete).toBe(false);
	});

	it("marks the changed lines, and ends with what the server stores", () => {
		const view = readEdit(answer, base);
		const page = view.files[0];
		const at3 = rowLine(APP, 3) - 1;
		expect(page.changed).toEqual([
			{ from: at3, to: at3 + 2 },
			{ from: rowLine(APP, 20), to: rowLine(APP, 20) + 1 },
		]);
		expect(page.cursor).toBeNull();
		const stored = extractEdit(answer, "stop", base);
		expect(stored).toMatchObject({ ok: true, blocks: 2, rewrite: false });
		if (stored.ok) expect(page.code).toBe(stored.html);
	});

	it("counts a block still open at the end of an answer as cut, and a full fence as a rewrite", () => {
		const cut = answer.slice(0, answer.indexOf(">>>>>>>"));
		expect(applyAnswer(cut, base, { final: true }).faults.map((f) => f.kind)).toEqual(["cut"]);
		const rewrite = "```html index.html\n<!DOCTYPE html><html></html>\n```\n";
		expect(applyAnswer(rewrite, base)).toMatchObject({ rewrite: true, edits: false, faults: [] });
		// Shown as a new app's answer: the files it writes, and only those.
		expect(readEdit(rewrite, base).files).toEqual([
			{ name: "index.html", code: "<!DOCTYPE html><html></html>\n", complete: true },
		]);
	});
});
