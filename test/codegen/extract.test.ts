import { describe, expect, it } from "vitest";
import { extractApp, readStream, scanBlocks } from "../../src/shared/answer";
import { extractAppFiles, titleOf, withDataClient } from "../../workers/codegen/llm/extract";

/** The old single-file view of an extraction, for the cases that have no server. */
function extractHtml(answer: string, finishReason?: string) {
	const r = extractAppFiles(answer, finishReason);
	if (!r.ok) return r;
	expect(r.server).toBeNull();
	return { ok: true, html: r.html };
}

import { buildMessages, SYSTEM_PROMPT, systemPrompt } from "../../workers/codegen/llm/prompt";
import { classify } from "../../workers/codegen/llm/stream";
import { llmConfig } from "../../workers/codegen/settings";

const DOC = "<!DOCTYPE html>\n<html><head><title>T</title></head><body>x</body></html>";

describe("extractHtml", () => {
	it("takes the app from its ```html fence, after the plan", () => {
		expect(extractHtml(`Plan:\n- a thing\n\n\`\`\`html\n${DOC}\n\`\`\`\nEnjoy!`)).toEqual({ ok: true, html: DOC });
		expect(extractHtml(`\`\`\`HTML\n${DOC}\n\`\`\``)).toEqual({ ok: true, html: DOC });
		// A bare fence counts when it holds an HTML document.
		expect(extractHtml(`\`\`\`\n${DOC}\n\`\`\``)).toEqual({ ok: true, html: DOC });
		// Other fences (a plan in a fence, some JS) are skipped.
		expect(extractHtml(`\`\`\`thinking\nplan\n\`\`\`\n\`\`\`html\n${DOC}\n\`\`\``)).toEqual({ ok: true, html: DOC });
	});

	it("refuses empty, fence-less and truncated answers", () => {
		expect(extractHtml("")).toMatchObject({ ok: false, code: "empty_answer" });
		expect(extractHtml("  \n ")).toMatchObject({ ok: false, code: "empty_answer" });
		expect(extractHtml(DOC)).toMatchObject({ ok: false, code: "no_html" });
		expect(extractHtml("```js\nconsole.log(1)\n```")).toMatchObject({ ok: false, code: "no_html" });
		expect(extractHtml(`\`\`\`html\n${DOC.slice(0, 30)}`)).toMatchObject({ ok: false, code: "truncated_answer" });
		expect(extractHtml(`\`\`\`html\n<html><body>half\n\`\`\``)).toMatchObject({ ok: false, code: "truncated_answer" });
		expect(extractHtml(`\`\`\`html\n${DOC}\n\`\`\``, "length")).toMatchObject({ ok: false, code: "truncated_answer" });
		expect(extractHtml("```html\n\n```")).toMatchObject({ ok: false, code: "empty_answer" });
	});

	it("refuses an answer cut off inside its last block, even after a finished one (a draft is not the app)", () => {
		const cut = `Plan\n\`\`\`html\n<button id=c>0</button>\n\`\`\`\nThe app:\n\`\`\`html\n<!DOCTYPE html>\n<html><body><p>cut`;
		expect(extractHtml(cut, "stop")).toMatchObject({ ok: false, code: "truncated_answer" });
		expect(extractHtml(cut, "unknown")).toMatchObject({ ok: false, code: "truncated_answer" });
		// A finished block followed by prose (even prose that starts like HTML) is the app.
		expect(extractHtml(`\`\`\`html\n${DOC}\n\`\`\`\n<!DOCTYPE html> is at the top.`)).toEqual({ ok: true, html: DOC });
		// Of two finished blocks, the last is the app.
		expect(extractHtml(`\`\`\`html\n<p>draft</p>\n\`\`\`\n\`\`\`html\n${DOC}\n\`\`\``)).toEqual({
			ok: true,
			html: DOC,
		});
	});

	it("adds the data-store client to apps that use kiln.db without loading it", () => {
		const uses =
			"<!DOCTYPE html><html><head><title>a</title></head><body><script>kiln.db.list('x')</script></body></html>";
		expect(withDataClient(uses)).toContain('<head><script src="/_kiln/db.js"></script><title>');
		expect(withDataClient(DOC)).toBe(DOC);
		const loads = uses.replace("<head>", '<head><script src="/_kiln/db.js"></script>');
		expect(withDataClient(loads)).toBe(loads);
		expect(titleOf(DOC)).toBe("T");
	});
});

describe("the prompt", () => {
	it("asks for one complete HTML file, a plan first, no alert(), and teaches the data store", () => {
		expect(SYSTEM_PROMPT).toMatch(/ONE complete HTML file/);
		expect(SYSTEM_PROMPT).toMatch(/short plan/);
		expect(SYSTEM_PROMPT).toMatch(/Never use alert\(\), prompt\(\) or confirm\(\)/);
		expect(SYSTEM_PROMPT).toContain('<script src="/_kiln/db.js"></script>');
		expect(SYSTEM_PROMPT).toContain("kiln.db.put");
	});

	it("teaches server code (when it is worth it, its fence, relative api/ URLs) only where it can run", () => {
		const full = systemPrompt({ servers: true });
		expect(full).toContain("```js server.js");
		expect(full).toMatch(/only when the app needs logic/);
		expect(full).toContain('fetch("api/items"), never fetch("/api/items")');
		// The project's SQL database, with D1's API, and schema changes that only add.
		expect(full).toContain("c.env.DB.prepare(");
		expect(full).toMatch(/env\.DB\.batch\(\[statements\]\) runs them as one transaction/);
		expect(full).toContain("CREATE TABLE IF NOT EXISTS");
		expect(full).toMatch(/never DROP or RENAME a table or column/);
		// The owner's secrets, read on the server, never written into the code.
		expect(full).toContain('read each on the server from env by its name (e.g. const key = c.env["WEATHER_API_KEY"]');
		expect(full).toMatch(/never put one in the page or the code/);
		const pageOnly = systemPrompt({ servers: false });
		expect(pageOnly).not.toContain("```js server.js");
		expect(pageOnly).toMatch(/do not write a server\.js block/);
		expect(pageOnly).not.toContain("env.DB");
		expect(pageOnly).not.toContain("WEATHER_API_KEY");
	});

	it("teaches follow-ups (only) SEARCH/REPLACE blocks in tagged fences, and when to write whole files", () => {
		const edit = systemPrompt({ servers: true, editing: true });
		expect(edit).toContain("```html index.html\n<<<<<<< SEARCH\n");
		expect(edit).toMatch(/=======\n[^\n]*\n>>>>>>> REPLACE\n```/);
		expect(edit).toContain("```js server.js");
		expect(edit).toMatch(/about half of the app or more, answer instead with the whole app/);
		expect(systemPrompt({ servers: true })).not.toContain("SEARCH");
	});

	it("gives a follow-up the full code of the version being edited", () => {
		const code = `<!DOCTYPE html><html><body>${"long ".repeat(5000)}</body></html>`;
		const [m] = buildMessages("make it red", { html: code, server: null, number: 4 });
		expect(m.content).toContain(code);
		expect(m.content).toContain("version 4");
		expect(m.content).not.toContain("server.js");
		expect(String(m.content).endsWith("make it red")).toBe(true);
	});

	it("gives a follow-up both files of a full-stack app, tagged as the answer must tag them", () => {
		const server = "export default { fetch() { return Response.json({ ok: true }); } };";
		const [m] = buildMessages("count visits", { html: DOC, server, number: 2 });
		expect(m.content).toContain(`\`\`\`html index.html\n${DOC}\n\`\`\``);
		expect(m.content).toContain(`\`\`\`js server.js\n${server}\n\`\`\``);
		expect(m.content).toContain("SEARCH/REPLACE blocks (or, for a large change, the changed files in full)");
	});
});

describe("provider settings", () => {
	const env = (o: Record<string, string | undefined>) => ({ DB: {} as D1Database, ...o }) as unknown as CodegenBindings;

	it("picks openai-compatible from LLM_BASE_URL, and says what is missing", () => {
		expect(llmConfig(env({ LLM_BASE_URL: "https://api.cerebras.ai/v1", LLM_MODEL: "llama-3.3-70b" }))).toMatchObject({
			configured: true,
			provider: "openai-compatible",
		});
		const missing = llmConfig(env({ LLM_BASE_URL: "http://localhost:11434/v1" }));
		expect(missing).toMatchObject({ configured: false, settings: ["LLM_MODEL"] });
		expect(llmConfig(env({ LLM_BASE_URL: "ftp://x", LLM_MODEL: "m" }))).toMatchObject({
			configured: false,
			settings: ["LLM_BASE_URL"],
		});
	});

	it("supports anthropic (key needed) and workers-ai (binding needed), and names the settings when nothing is set", () => {
		expect(llmConfig(env({ LLM_PROVIDER: "anthropic", LLM_API_KEY: "k" }))).toMatchObject({
			configured: true,
			provider: "anthropic",
			model: "claude-sonnet-4-5",
		});
		expect(llmConfig(env({ LLM_PROVIDER: "anthropic" }))).toMatchObject({
			configured: false,
			settings: ["LLM_API_KEY"],
		});
		expect(llmConfig(env({ LLM_PROVIDER: "workers-ai" }))).toMatchObject({ configured: false });
		expect(llmConfig({ ...env({}), AI: {} as Ai })).toMatchObject({ configured: true, provider: "workers-ai" });
		const none = llmConfig(env({}));
		expect(none).toMatchObject({ configured: false });
		if (!none.configured) expect(none.message).toMatch(/LLM_BASE_URL.*LLM_MODEL.*LLM_API_KEY/);
		expect(llmConfig(env({ LLM_PROVIDER: "gpt" }))).toMatchObject({ configured: false, settings: ["LLM_PROVIDER"] });
	});
});

describe("classify", () => {
	it("names what to set when the Workers AI binding is only a local stub", () => {
		const c = classify(new Error("Binding AI needs to be run remotely"), false);
		expect(c.code).toBe("no_provider");
		expect(c.message).toMatch(/LLM_BASE_URL and LLM_MODEL/);
	});
});

describe("one reader for the SPA and the server (src/shared/answer.ts)", () => {
	const SERVER =
		'import { Hono } from "hono";\nconst app = new Hono();\napp.get("/api/hi", (c) => c.json({ hi: 1 }));\nexport default app;';
	/** What the SPA shows once the answer is complete: the files of `readStream`. */
	const shown = (answer: string) =>
		Object.fromEntries(readStream(answer).files.map((f) => [f.name, f.code.trim()])) as Record<string, string>;

	// Each answer: what the SPA's code view shows at the end must be what the server stores.
	const answers: Record<string, string> = {
		"a draft block, then the final one": `Plan\n\`\`\`html\n<p>draft</p>\n\`\`\`\nBetter:\n\`\`\`html\n${DOC}\n\`\`\``,
		"an htm fence": `\`\`\`htm\n${DOC}\n\`\`\``,
		"a thinking fence before the page": `\`\`\`thinking\nplan\n\`\`\`\n\`\`\`html\n${DOC}\n\`\`\``,
		"a bare fence holding a document": `\`\`\`\n${DOC}\n\`\`\``,
		"a tagged page and server": `- plan\n\`\`\`html index.html\n${DOC}\n\`\`\`\n\n\`\`\`js server.js\n${SERVER}\n\`\`\``,
		"the server first, then the page": `\`\`\`javascript server.js\n${SERVER}\n\`\`\`\n\`\`\`html\n${DOC}\n\`\`\``,
		"a snippet that is not a file of the app": `\`\`\`js\nfetch("api/x")\n\`\`\`\n\`\`\`html\n${DOC}\n\`\`\``,
	};
	for (const [name, answer] of Object.entries(answers)) {
		it(`agrees on ${name}`, () => {
			const stored = extractApp(answer);
			expect(stored.ok).toBe(true);
			if (!stored.ok) return;
			const view = shown(answer);
			expect(view["index.html"]).toBe(stored.html);
			expect(view["server.js"]).toBe(stored.server ?? undefined);
		});
	}

	it("tags blocks with their files, and refuses a cut or empty server block", () => {
		const answer = `\`\`\`html index.html\n${DOC}\n\`\`\`\n\`\`\`js server.js\n${SERVER}\n\`\`\``;
		expect(scanBlocks(answer).map((b) => [b.file, b.info, b.closed])).toEqual([
			["index.html", "html index.html", true],
			["server.js", "js server.js", true],
		]);
		expect(extractApp(answer)).toEqual({ ok: true, html: DOC, server: SERVER });
		expect(extractApp(answer.slice(0, -10))).toMatchObject({ ok: false, code: "truncated_answer" });
		expect(extractApp(`\`\`\`html\n${DOC}\n\`\`\`\n\`\`\`js server.js\n\n\`\`\``)).toMatchObject({
			ok: false,
			code: "invalid_server",
		});
	});

	it("while streaming, shows the block being written and which file it is", () => {
		const partial = `Plan:\n- a page\n\`\`\`html index.html\n${DOC}\n\`\`\`\n\`\`\`js server.js\nimport { Hono }\n\`\``;
		const view = readStream(partial);
		expect(view.plan).toBe("- a page");
		expect(view.writing).toBe("server.js");
		expect(view.files.map((f) => [f.name, f.complete])).toEqual([
			["index.html", true],
			["server.js", false],
		]);
		expect(view.files[1].code).toBe("import { Hono }\n");
		// A fence still being opened stays out of the plan.
		expect(readStream("Plan:\n- a page\n``").plan).toBe("- a page");
		expect(readStream("Plan:\n- a page\n```htm").files).toEqual([]);
	});
});
