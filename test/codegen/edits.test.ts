import { describe, expect, it, vi } from "vitest";
import { appContentHash } from "../../src/shared/answer";
import { bigApp, changeLines, editAnswer, fullAnswer, rowLine, withLine } from "../fakes/big-app";
import { createScenario, type FakeReply, heldCount, recordedRequests, release } from "../fakes/openai";
import { call, FAKE, generate, postJson, rowCounts, type SseEvent, sseEvents } from "./helpers";

// Issue 16: a follow-up streams only what changes (SEARCH/REPLACE blocks in
// tagged fences), and never stores a broken version.

const APP = bigApp(400);
const SERVER =
	'import { Hono } from "hono";\nconst app = new Hono();\napp.get("/api/n", (c) => c.json({ n: 1 }));\nexport default app;';

interface VersionBody {
	version: { number: number; parentNumber: number | null; code: string; server: string | null; contentHash: string };
}

async function version(project: string, n: number) {
	const res = await call(`/api/projects/${project}/versions/${n}`);
	expect(res.status).toBe(200);
	return ((await res.json()) as VersionBody).version;
}

/** A project whose v1 is `html` (and `server`), written by the fake as a whole answer. */
async function projectWith(html: string, server?: string) {
	const s = await createScenario(FAKE, { replies: [{ text: fullAnswer(html, server) }] });
	const g = await generate({ prompt: `the app ${s.marker}` });
	expect(g.error).toBeUndefined();
	return { project: g.project, token: g.editToken as string };
}

/** A follow-up of the project's latest, answered by `replies` in turn. */
async function followUp(p: { project: string; token: string }, replies: FakeReply[], prompt = "change it") {
	const s = await createScenario(FAKE, { replies });
	const g = await generate({ prompt: `${prompt} ${s.marker}`, project: p.project }, p.token);
	return { ...g, requests: await recordedRequests(FAKE, s.id) };
}

const done = (events: SseEvent[]) =>
	events.find((e) => e.event === "done")?.data as
		| {
				version: number;
				edit?: { blocks: number; rewrite: boolean; repaired: boolean };
				stats: { outputTokens: number };
		  }
		| undefined;
const named = (events: SseEvent[], name: string) => events.filter((e) => e.event === name).map((e) => e.data);

describe("a follow-up answered with edit blocks", () => {
	it("a one-line change to a 400-line app is one block; v2 is v1 with that line changed", async () => {
		const p = await projectWith(APP);
		const line = '  <p class="row" id="r200">Row 200, now in bold</p>';
		const n = rowLine(APP, 200);
		const answer = editAnswer([{ search: APP.split("\n")[n - 1], replace: line }]);
		const g = await followUp(p, [{ text: answer }], "make row 200 bold");
		expect(g.error).toBeUndefined();
		expect(g.version).toBe(2);
		const v2 = await version(p.project, 2);
		expect(v2.code).toBe(withLine(APP, n, line));
		expect(v2.parentNumber).toBe(1);
		expect(v2.contentHash).toBe(await appContentHash({ html: v2.code, server: null }));
		expect(done(g.events)?.edit).toEqual({ blocks: 1, rewrite: false, repaired: false });
		expect(named(g.events, "edit")).toEqual([{ file: "index.html", block: 1, fromLine: n, toLine: n, match: "exact" }]);
		// The answer is a small fraction of the app, and the model saw the app in full and was taught the blocks.
		expect(answer.length * 10).toBeLessThan(APP.length);
		expect(done(g.events)?.stats.outputTokens).toBe(Math.ceil(answer.length / 4));
		const [req] = g.requests;
		expect(String(req.body?.messages?.at(-1)?.content)).toContain(APP);
		expect(String(req.body?.messages?.[0]?.content)).toContain("<<<<<<< SEARCH");
		// v1 never changes.
		expect((await version(p.project, 1)).code).toBe(APP);
	});

	it("applies several blocks of one answer, in any order of the file", async () => {
		const p = await projectWith(APP);
		const a = changeLines(APP, 300, 302, (l) => l.replace("Row", "ROW"));
		const b = changeLines(a.result, 10, 10, (l) => l.replace("some text", "other text"));
		const c = { search: "<head><title>Big app</title>", replace: "<head><title>Bigger app</title>" };
		const g = await followUp(p, [{ text: editAnswer([a.change, b.change, c]) }]);
		expect(g.error).toBeUndefined();
		expect((await version(p.project, 2)).code).toBe(
			b.result.replace("<title>Big app</title>", "<title>Bigger app</title>"),
		);
		expect(done(g.events)?.edit).toEqual({ blocks: 3, rewrite: false, repaired: false });
		expect(named(g.events, "edit").map((e) => (e as { block: number }).block)).toEqual([1, 2, 3]);
	});

	it("announces each block as it is applied, while the answer is still streaming", async () => {
		const p = await projectWith(APP);
		const a = changeLines(APP, 30, 30, (l) => `${l}<!-- a -->`);
		const b = changeLines(APP, 300, 300, (l) => `${l}<!-- b -->`);
		const answer = editAnswer([a.change, b.change]);
		// Held just after the first block's >>>>>>> REPLACE line.
		const chunkSize = 8;
		const held = Math.ceil((answer.indexOf(">>>>>>> REPLACE\n") + 16) / chunkSize);
		const s = await createScenario(FAKE, { replies: [{ text: answer, chunkSize, holdAfterChunks: held }] });
		const res = await postJson(
			"/api/generate",
			{ prompt: `two changes ${s.marker}`, project: p.project },
			{ authorization: `Bearer ${p.token}` },
		);
		const seen: SseEvent[] = [];
		for await (const e of sseEvents(res)) {
			seen.push(e);
			if (e.event === "edit" && e.data.block === 1) {
				// The model is still being held: the block was applied mid-stream.
				expect(await heldCount(FAKE, s.id)).toBe(1);
				await release(FAKE, s.id);
			}
		}
		expect(named(seen, "edit").map((e) => (e as { block: number }).block)).toEqual([1, 2]);
		expect(done(seen)?.edit).toEqual({ blocks: 2, rewrite: false, repaired: false });
		const both = changeLines(a.result, 300, 300, (l) => `${l}<!-- b -->`).result;
		expect((await version(p.project, 2)).code).toBe(both);
	});

	it("still takes a full rewrite: the whole app, as before edit blocks", async () => {
		const p = await projectWith(APP, SERVER);
		const next = bigApp(50);
		const g = await followUp(p, [{ text: fullAnswer(next, SERVER.replace("n: 1", "n: 5")) }]);
		expect(g.error).toBeUndefined();
		const v2 = await version(p.project, 2);
		expect(v2.code).toBe(next);
		expect(v2.server).toBe(SERVER.replace("n: 1", "n: 5"));
		expect(done(g.events)?.edit).toEqual({ blocks: 0, rewrite: true, repaired: false });
	});

	it("edits the server module with blocks tagged server.js, checked before it is stored", async () => {
		const p = await projectWith(APP, SERVER);
		const change = {
			search: 'app.get("/api/n", (c) => c.json({ n: 1 }));',
			replace: 'app.get("/api/n", (c) => c.json({ n: 2 }));',
		};
		const g = await followUp(p, [{ text: editAnswer([change], "server.js", "js") }]);
		expect(g.error).toBeUndefined();
		expect(named(g.events, "repair")).toEqual([]);
		const v2 = await version(p.project, 2);
		expect(v2.server).toBe(SERVER.replace("n: 1", "n: 2"));
		expect(v2.code).toBe(APP);
		const served = await call(`/p/${p.project}/v/2/api/n`, { headers: { host: "kiln.test" } });
		expect(await served.json()).toEqual({ n: 2 });
	});

	it("matches a SEARCH that differs only in indentation and trailing whitespace, without a repair", async () => {
		const p = await projectWith(APP);
		const original = APP.split("\n")[50];
		const g = await followUp(p, [
			{ text: editAnswer([{ search: `${original.trim()}   `, replace: '<p class="row">fifty</p>' }]) },
		]);
		expect(g.error).toBeUndefined();
		expect(g.requests).toHaveLength(1);
		// Re-indented like the line it replaced.
		expect((await version(p.project, 2)).code).toBe(withLine(APP, 51, '  <p class="row">fifty</p>'));
		expect(named(g.events, "edit")[0]).toMatchObject({ match: "whitespace" });
	});

	it("gives two concurrent edits of one version two contiguous versions, each the base plus its own change", async () => {
		const p = await projectWith(APP);
		const one = changeLines(APP, 20, 20, (l) => `${l}<!-- one -->`);
		const two = changeLines(APP, 380, 380, (l) => `${l}<!-- two -->`);
		const s1 = await createScenario(FAKE, { replies: [{ text: editAnswer([one.change]), chunkSize: 8 }] });
		const s2 = await createScenario(FAKE, { replies: [{ text: editAnswer([two.change]), chunkSize: 8 }] });
		const [g1, g2] = await Promise.all([
			generate({ prompt: `one ${s1.marker}`, project: p.project, fromVersion: 1 }, p.token),
			generate({ prompt: `two ${s2.marker}`, project: p.project, fromVersion: 1 }, p.token),
		]);
		expect([g1.version, g2.version].sort()).toEqual([2, 3]);
		const byPrompt = new Map([
			[g1.version, one.result],
			[g2.version, two.result],
		]);
		for (const n of [2, 3]) {
			const v = await version(p.project, n);
			expect(v.parentNumber).toBe(1);
			expect(v.code).toBe(byPrompt.get(n));
		}
	});
});

describe("edits that do not apply: whitespace match, then one repair turn, else error", () => {
	const row = (n: number) => APP.split("\n")[rowLine(APP, n) - 1];
	const repaired = withLine(APP, 11, "  <p>repaired</p>");
	const faults: { name: string; answer: string; reply?: Partial<FakeReply>; code: string }[] = [
		{
			name: "a SEARCH text that is not in the file",
			answer: editAnswer([{ search: "<p>nowhere</p>", replace: "x" }]),
			code: "edit_failed",
		},
		{
			name: "a SEARCH text that matches twice",
			answer: editAnswer([{ search: "  <hr>", replace: "x" }]),
			code: "edit_failed",
		},
		{
			name: "two blocks that overlap",
			answer: editAnswer([
				{ search: `${row(3)}\n${row(4)}`, replace: "a" },
				{ search: `${row(4)}\n${row(5)}`, replace: "b" },
			]),
			code: "edit_failed",
		},
		{
			name: "a block cut off mid-stream",
			answer: editAnswer([{ search: row(7), replace: "<p>seven</p>" }]).split("=======")[0],
			code: "edit_failed",
		},
		{
			name: "an answer stopped at the output limit inside a block",
			answer: editAnswer([{ search: row(7), replace: "<p>seven</p>" }]),
			reply: { finishReason: "length" },
			code: "truncated_answer",
		},
		{
			name: "a result without </html>",
			answer: editAnswer([{ search: "</body>\n</html>", replace: "</body>" }]),
			code: "edit_failed",
		},
	];

	for (const f of faults) {
		it(`${f.name}: a repair turn asks for the full file, and its answer is v2`, async () => {
			const p = await projectWith(APP);
			const g = await followUp(p, [{ text: f.answer, ...f.reply }, { text: fullAnswer(repaired) }], "fix row 5");
			expect(g.error).toBeUndefined();
			const [repair] = named(g.events, "repair") as { code: string; message: string }[];
			expect(repair.code).toBe(f.code);
			// The repair turn: the first answer, why it failed, and the request again (full files, no blocks).
			expect(g.requests).toHaveLength(2);
			const messages = g.requests[1].body?.messages ?? [];
			expect(messages.at(-2)).toMatchObject({ role: "assistant" });
			expect(String(messages.at(-1)?.content)).toContain(repair.message);
			expect(String(messages.at(-1)?.content)).toMatch(/in full[\s\S]*fix row 5/);
			// The repair's deltas come after the event; v2 is the complete file.
			expect(g.events.findIndex((e) => e.event === "repair")).toBeLessThan(
				g.events.findLastIndex((e) => e.event === "delta"),
			);
			expect((await version(p.project, 2)).code).toBe(repaired);
			expect(done(g.events)?.edit).toEqual({ blocks: 0, rewrite: true, repaired: true });
		});

		it(`${f.name}, and a repair that fails too: error, nothing stored, latest unchanged`, async () => {
			const p = await projectWith(APP);
			const before = await rowCounts();
			const g = await followUp(p, [{ text: f.answer, ...f.reply }, { text: "```html index.html\n<html><body>cut" }]);
			expect(g.error?.code).toBe("truncated_answer");
			expect(named(g.events, "repair")).toHaveLength(1);
			expect(g.requests).toHaveLength(2);
			expect(await rowCounts()).toEqual(before);
			const latest = await call(`/p/${p.project}`);
			expect(latest.headers.get("x-kiln-version")).toBe("1");
			expect(await latest.text()).toBe(APP);
		});
	}

	it("a server module that no longer passes the check gets the repair turn too", async () => {
		const p = await projectWith(APP, SERVER);
		const broken = editAnswer(
			[{ search: "export default app;", replace: "export default app;;; }" }],
			"server.js",
			"js",
		);
		const fixed = SERVER.replace("n: 1", "n: 3");
		const g = await followUp(p, [{ text: broken }, { text: fullAnswer(APP, fixed) }]);
		expect(g.error).toBeUndefined();
		expect(named(g.events, "repair")).toMatchObject([{ code: "invalid_server" }]);
		expect((await version(p.project, 2)).server).toBe(fixed);

		const before = await rowCounts();
		const again = await followUp(p, [{ text: broken }, { text: broken }]);
		expect(again.error?.code).toBe("invalid_server");
		expect(await rowCounts()).toEqual(before);
	});

	it("a rewrite that fails gets no repair turn (nothing was edited): the error stands", async () => {
		const p = await projectWith(APP);
		const g = await followUp(p, [{ text: "```html index.html\n<!DOCTYPE html>\n<html><body>cut\n```\n" }]);
		expect(g.error?.code).toBe("truncated_answer");
		expect(g.requests).toHaveLength(1);
	});
});

describe("the generation log of a follow-up", () => {
	it("says how many blocks were applied and whether a rewrite or a repair was needed", async () => {
		const p = await projectWith(APP);
		const logged = vi.spyOn(console, "log");
		const answer = editAnswer([{ search: "<p>missing</p>", replace: "x" }]);
		const g = await followUp(p, [
			{ text: answer },
			{ text: editAnswer([{ search: "<head><title>Big app</title>", replace: "<head><title>B</title>" }]) },
		]);
		const lines = logged.mock.calls.map((c) => c.join(" "));
		logged.mockRestore();
		expect(g.error).toBeUndefined();
		expect(g.version).toBe(2);
		const entry = JSON.parse(lines.filter((l) => l.includes(`"project":"${p.project}"`)).at(-1) as string);
		expect(entry).toMatchObject({ outcome: "done", version: 2, blocks: 1, rewrite: false, repaired: true });
		expect(lines.join("\n")).not.toContain("Big app");
	});
});
