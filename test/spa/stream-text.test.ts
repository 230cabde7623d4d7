/**
 * splitStream (src/spa/lib/stream-text.ts): while the model writes, the plan
 * shows as prose and the HTML as code, wherever the text stops.
 */
import { describe, expect, it } from "vitest";
import { splitStream } from "../../src/spa/lib/stream-text";

const ANSWER = "Plan:\n- a counter\n- a reset button\n\n```html\n<!DOCTYPE html>\n<p>0</p>\n```\nDone.";

describe("splitStream", () => {
	it("splits a whole answer into the plan (no heading, no fences) and the code", () => {
		expect(splitStream(ANSWER)).toEqual({
			plan: "- a counter\n- a reset button",
			code: "<!DOCTYPE html>\n<p>0</p>\n",
			codeComplete: true,
		});
	});

	it("shows code as soon as the fence opens, before it closes", () => {
		const cut = ANSWER.slice(0, ANSWER.indexOf("<p>"));
		expect(splitStream(cut)).toEqual({
			plan: "- a counter\n- a reset button",
			code: "<!DOCTYPE html>\n",
			codeComplete: false,
		});
	});

	it("keeps a half-written fence out of the plan", () => {
		expect(splitStream("Plan:\na page\n``").plan).toBe("a page");
		expect(splitStream("Plan:\na page\n```ht").plan).toBe("a page");
	});

	it("keeps a half-written closing fence out of the code", () => {
		expect(splitStream("```html\n<p>x</p>\n``").code).toBe("<p>x</p>\n");
	});

	it("treats bare HTML (starter apps, some models) as code", () => {
		expect(splitStream("<!DOCTYPE html>\n<title>x")).toEqual({
			plan: "",
			code: "<!DOCTYPE html>\n<title>x",
			codeComplete: false,
		});
	});

	it("reads an unlabelled fence of markup as code, and of prose as plan", () => {
		expect(splitStream("```\n<div></div>\n```").code).toBe("<div></div>\n");
		expect(splitStream("```\nthinking about it\n```")).toMatchObject({ plan: "thinking about it\n", code: "" });
	});
});
