/**
 * readStream (src/shared/answer.ts), as the SPA's code view uses it: while the
 * model writes, the plan shows as prose and each file as code, wherever the
 * text stops.
 */
import { describe, expect, it } from "vitest";
import { readStream } from "../../src/shared/answer";

const ANSWER = "Plan:\n- a counter\n- a reset button\n\n```html\n<!DOCTYPE html>\n<p>0</p>\n```\nDone.";

/** The page as the code view shows it. */
function page(text: string) {
	const view = readStream(text);
	const file = view.files.find((f) => f.name === "index.html");
	return { plan: view.plan, code: file?.code ?? "", complete: file?.complete ?? false };
}

describe("readStream", () => {
	it("splits a whole answer into the plan (no heading, no fences) and the page", () => {
		expect(page(ANSWER)).toEqual({
			plan: "- a counter\n- a reset button",
			code: "<!DOCTYPE html>\n<p>0</p>\n",
			complete: true,
		});
	});

	it("shows code as soon as the fence opens, before it closes", () => {
		const cut = ANSWER.slice(0, ANSWER.indexOf("<p>"));
		expect(page(cut)).toEqual({ plan: "- a counter\n- a reset button", code: "<!DOCTYPE html>\n", complete: false });
		expect(readStream(cut).writing).toBe("index.html");
	});

	it("keeps a half-written fence out of the plan", () => {
		expect(page("Plan:\na page\n``").plan).toBe("a page");
		expect(page("Plan:\na page\n```ht").plan).toBe("a page");
	});

	it("keeps a half-written closing fence out of the code", () => {
		expect(page("```html\n<p>x</p>\n``").code).toBe("<p>x</p>\n");
	});

	it("reads an unlabelled fence of markup as the page, and of prose as plan", () => {
		expect(page("```\n<!DOCTYPE html>\n<div></div>\n```").code).toBe("<!DOCTYPE html>\n<div></div>\n");
		expect(page("```\nthinking about it\n```")).toMatchObject({ plan: "thinking about it", code: "" });
	});

	it("shows the server module as a file of its own, after the page", () => {
		const view = readStream("```html index.html\n<p>x</p>\n```\n```js server.js\nexport default {}\n");
		expect(view.files.map((f) => [f.name, f.complete])).toEqual([
			["index.html", true],
			["server.js", false],
		]);
		expect(view.writing).toBe("server.js");
	});
});
