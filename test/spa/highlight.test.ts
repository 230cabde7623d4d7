/**
 * The streaming highlighter (src/spa/lib/highlight.ts): tokens, never HTML;
 * the text survives exactly; CSS and JavaScript inside their elements; text
 * cut off anywhere still highlights.
 */
import { describe, expect, it } from "vitest";
import { highlightLines, type Token, tokenize } from "../../src/spa/lib/highlight";

const text = (tokens: Token[]) => tokens.map((t) => t.text).join("");
const kinds = (tokens: Token[], kind: Token["kind"]) => tokens.filter((t) => t.kind === kind).map((t) => t.text.trim());

const DOC = `<!DOCTYPE html>
<html lang="en"><head><style>
body { color: #333; margin: 0 auto; }
a:hover { color: red; }
</style></head>
<body><!-- note --><p class=big>Tom &amp; Jerry</p>
<script>
const n = 42; // answer
function go() { return "hi" + n; }
</script></body></html>
`;

describe("tokenize", () => {
	it("keeps every character: the tokens join back into the source", () => {
		expect(text(tokenize(DOC))).toBe(DOC);
	});

	it("tells HTML's parts apart", () => {
		const t = tokenize(DOC);
		expect(kinds(t, "doctype")).toEqual(["<!DOCTYPE html>"]);
		expect(kinds(t, "comment")).toContain("<!-- note -->");
		expect(kinds(t, "attr")).toEqual(expect.arrayContaining(["lang", "class"]));
		expect(kinds(t, "string")).toEqual(expect.arrayContaining(['"en"', "big"]));
		expect(kinds(t, "entity")).toEqual(["&amp;"]);
	});

	it("highlights CSS in <style> and JavaScript in <script>", () => {
		const t = tokenize(DOC);
		expect(kinds(t, "property")).toEqual(expect.arrayContaining(["color", "margin"]));
		expect(kinds(t, "selector").join(" ")).toContain("a:hover");
		expect(kinds(t, "keyword")).toEqual(expect.arrayContaining(["const", "function", "return"]));
		expect(kinds(t, "number")).toEqual(expect.arrayContaining(["42", "0"]));
		expect(kinds(t, "string")).toContain('"hi"');
		expect(kinds(t, "comment")).toContain("// answer");
	});

	it("never treats markup inside a JavaScript string as a tag", () => {
		const t = tokenize('<script>const s = "<b>x</b>";</script>');
		expect(kinds(t, "string")).toContain('"<b>x</b>"');
		expect(kinds(t, "tag")).toEqual(["<script>", "</script>"]);
	});

	it("survives text cut off at every point, as it streams", () => {
		for (let i = 0; i <= DOC.length; i++) {
			const part = DOC.slice(0, i);
			expect(text(tokenize(part))).toBe(part);
		}
	});
});

describe("highlightLines", () => {
	it("splits tokens at newlines, one array per line", () => {
		const lines = highlightLines("<p>\n  hi\n</p>");
		expect(lines).toHaveLength(3);
		expect(lines.map((l) => text(l))).toEqual(["<p>", "  hi", "</p>"]);
		expect(highlightLines("/* a\nb */").length).toBe(1 + 1);
	});
});
