import { describe, expect, it, vi } from "vitest";
import { createScenario, type FakeReply, recordedRequests } from "../fakes/openai";
import { call, callWithEnv, d1With, FAKE, generate, newProject, rowCounts, sseEvents, summarize } from "./helpers";

// Must-hold 5: when the model fails, the client gets an `error` event with a
// clear code, no version is stored, and the project's latest is unchanged.

const HTML = "```html\n<!DOCTYPE html>\n<html><body><p>whole</p></body></html>\n```\n";

const faults: { name: string; reply: FakeReply; code: string }[] = [
	{ name: "401 before streaming", reply: { status: 401 }, code: "upstream_unauthorized" },
	{ name: "429 before streaming", reply: { status: 429 }, code: "upstream_rate_limited" },
	{ name: "500 before streaming", reply: { status: 500 }, code: "upstream_error" },
	{
		name: "a stall before the first token, past the timeout",
		reply: { firstTokenDelayMs: 3_000 },
		code: "upstream_timeout",
	},
	{ name: "a stall mid-answer, past the timeout", reply: { stallAfterChunks: 3 }, code: "upstream_timeout" },
	{ name: "the connection cut mid-stream", reply: { failAfterChunks: 3 }, code: "upstream_interrupted" },
	{ name: "an empty answer", reply: { text: "" }, code: "empty_answer" },
	{
		name: "an answer with no HTML",
		reply: { text: "I'm sorry, I can't build that. Try something else?" },
		code: "no_html",
	},
	{
		name: "a fence that never closes",
		reply: { text: "Plan:\n- a page\n\n```html\n<!DOCTYPE html>\n<html><body><p>cut" },
		code: "truncated_answer",
	},
	{
		name: "an answer stopped at the output limit",
		reply: { text: HTML, finishReason: "length" },
		code: "truncated_answer",
	},
	{ name: "an empty html fence", reply: { text: "Plan: nothing\n```html\n\n```\n" }, code: "empty_answer" },
	{
		name: "a document that opens <html> and never closes it",
		reply: { text: "```html\n<!DOCTYPE html>\n<html><body>half\n```\n" },
		code: "truncated_answer",
	},
];

describe("upstream faults on a new project", () => {
	for (const f of faults) {
		it(`${f.name} → error "${f.code}", no project`, async () => {
			const s = await createScenario(FAKE, { default: f.reply });
			const before = await rowCounts();
			const g = await generate({ prompt: `an app ${s.marker}` });
			expect(g.error?.code).toBe(f.code);
			expect(g.error?.message.length).toBeGreaterThan(10);
			expect(g.events.filter((e) => e.event === "done")).toEqual([]);
			expect(await rowCounts()).toEqual(before);
			expect((await call(`/p/${g.project}`)).status).toBe(404);
			expect(await recordedRequests(FAKE, s.id)).toHaveLength(1);
			// The API key the fake saw never comes back to the client.
			expect(JSON.stringify(g.events)).not.toContain("sk-test-secret");
		});
	}
});

describe("upstream faults on a follow-up", () => {
	for (const f of faults) {
		it(`${f.name} → error "${f.code}", latest unchanged`, async () => {
			const { project, token } = await newProject("a stable app");
			const latest = await (await call(`/p/${project}`)).text();
			const s = await createScenario(FAKE, { default: f.reply });
			const before = await rowCounts();
			const g = await generate({ prompt: `change it ${s.marker}`, project }, token);
			expect(g.error?.code).toBe(f.code);
			expect(await rowCounts()).toEqual(before);
			const now = await call(`/p/${project}`);
			expect(now.headers.get("x-kiln-version")).toBe("1");
			expect(await now.text()).toBe(latest);
			// And the next good answer becomes version 2, as if the failure never happened.
			expect((await generate({ prompt: "now properly", project }, token)).version).toBe(2);
		});
	}
});

it("the deltas received before a failure are not stored anywhere", async () => {
	const s = await createScenario(FAKE, { default: { failAfterChunks: 2, chunkSize: 30 } });
	const g = await generate({ prompt: `half an app ${s.marker}` });
	expect(g.text.length).toBe(60);
	expect(g.error?.code).toBe("upstream_interrupted");
	expect((await call(`/api/projects/${g.project}`)).status).toBe(404);
});

it("a database failure while storing → error internal_error, nothing stored, and no prompt in the logs", async () => {
	const failingBatch = d1With({
		batch: () => Promise.reject(new Error("D1_ERROR: disk full", { cause: new Error("SQLITE_FULL") })),
	});
	const logged = vi.spyOn(console, "error").mockImplementation(() => {});
	const before = await rowCounts();
	const res = await callWithEnv({ DB: failingBatch }, "/api/generate", {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ prompt: "a secret recipe for soup" }),
	});
	const events = [];
	for await (const e of sseEvents(res)) events.push(e);
	expect(summarize(events).error?.code).toBe("internal_error");
	expect(await rowCounts()).toEqual(before);
	const lines = logged.mock.calls.map((c) => c.join(" ")).join("\n");
	logged.mockRestore();
	expect(lines).toContain("SQLITE_FULL");
	expect(lines).not.toContain("secret recipe");
});
