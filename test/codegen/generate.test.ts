import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/shared/hash";
import { STARTERS } from "../../workers/codegen/starters";
import {
	allRequests,
	createScenario,
	defaultAnswer,
	heldCount,
	recordedRequests,
	release,
	waitForHeld,
} from "../fakes/openai";
import {
	call,
	callWithEnv,
	expectError,
	FAKE,
	generate,
	newProject,
	postJson,
	rowCounts,
	sseEvents,
	summarize,
} from "./helpers";

type ProjectBody = {
	project: { id: string; remixedFromProject: string | null; remixedFromVersion: number | null; appUrl: string };
	versions: { number: number; parentNumber: number | null; prompt: string }[];
};

describe("a prompt becomes a versioned app (must-hold 1)", () => {
	it("streams, stores, serves; follow-ups make v2 and v3 (from v1); v1 never changes; remix keeps lineage", async () => {
		// 1. A new prompt: start (with a token), deltas, done.
		const first = await generate({ prompt: "a page about otters" });
		expect(first.events.map((e) => e.event).filter((e, i, a) => a[i - 1] !== e)).toEqual(["start", "delta", "done"]);
		expect(first.editToken).toMatch(/^kiln_[A-Za-z0-9_-]{43}$/);
		expect(first.version).toBe(1);
		expect(first.text).toContain("<h1>a page about otters</h1>");
		const done = first.events.at(-1);
		if (done?.event !== "done") throw new Error("no done");
		expect(done.data.project).toBe(first.project);
		expect(done.data.stats.ttftMs).toBeGreaterThanOrEqual(0);
		expect(done.data.stats.durationMs).toBeGreaterThanOrEqual(done.data.stats.ttftMs);
		expect(done.data.stats.outputTokens).toBeGreaterThan(0);
		expect(typeof done.data.stats.tokensPerSecond).toBe("number");

		// 2. GET /p/<project> serves exactly that HTML.
		const v1Html = await (await call(`/p/${first.project}`)).text();
		expect(v1Html).toMatch(/^<!DOCTYPE html>[\s\S]*<h1>a page about otters<\/h1>[\s\S]*<\/html>$/);
		expect(first.text).toContain(v1Html);

		// The token is stored hashed, never in clear.
		const row = await env.DB.prepare("SELECT edit_token_hash AS h FROM projects WHERE id = ?")
			.bind(first.project)
			.first<{ h: string }>();
		expect(row?.h).toBe(await sha256Hex(first.editToken as string));

		// 3. A follow-up with the token: version 2, parent 1, and the model got v1's full code.
		const s = await createScenario(FAKE);
		const second = await generate({ prompt: `make it blue ${s.marker}`, project: first.project }, first.editToken);
		expect(second.editToken).toBeUndefined();
		expect(second.version).toBe(2);
		const [req] = await recordedRequests(FAKE, s.id);
		const sent = JSON.stringify(req.body?.messages);
		expect(sent).toContain(JSON.stringify(v1Html).slice(1, -1));
		expect(req.authorization).toBe("Bearer sk-test-secret-key-0123456789");
		expect(req.body?.model).toBe("fake-model");
		expect(req.body?.stream).toBe(true);
		const latest = await (await call(`/p/${first.project}`)).text();
		expect(latest).toContain(`make it blue ${s.marker}`);

		// 4. fromVersion=1: version 3 whose parent is 1.
		const third = await generate({ prompt: "make it green", project: first.project, fromVersion: 1 }, first.editToken);
		expect(third.version).toBe(3);
		const body = await (await call(`/api/projects/${first.project}`)).json<ProjectBody>();
		expect(body.versions.map((v) => [v.number, v.parentNumber])).toEqual([
			[1, null],
			[2, 1],
			[3, 1],
		]);

		// 5. /p/<project>/v/1 is what it was.
		expect(await (await call(`/p/${first.project}/v/1`)).text()).toBe(v1Html);

		// 6. Remix v2: a new project with lineage, v1 = that code, and its own token.
		const remix = await postJson(`/api/projects/${first.project}/remix`, { fromVersion: 2 });
		expect(remix.status).toBe(201);
		const r = await remix.json<{
			project: string;
			version: number;
			editToken: string;
			remixedFrom: unknown;
			appUrl: string;
		}>();
		expect(r).toMatchObject({ version: 1, remixedFrom: { project: first.project, version: 2 } });
		expect(r.project).not.toBe(first.project);
		expect(r.editToken).not.toBe(first.editToken);
		const remixed = await (await call(`/api/projects/${r.project}`)).json<ProjectBody>();
		expect(remixed.project).toMatchObject({ remixedFromProject: first.project, remixedFromVersion: 2 });
		expect(await (await call(`/p/${r.project}/v/1`)).text()).toBe(await (await call(`/p/${first.project}/v/2`)).text());
		// The original's token does not edit the remix; the remix's own does.
		await expectError(
			await postJson(
				"/api/generate",
				{ prompt: "x", project: r.project },
				{ authorization: `Bearer ${first.editToken}` },
			),
			403,
			"invalid_edit_token",
		);
		expect((await generate({ prompt: "remixed edit", project: r.project }, r.editToken)).version).toBe(2);
		expect(await (await call(`/p/${first.project}/v/1`)).text()).toBe(v1Html);
	});

	it("remixes the latest version when no body is sent, and needs no token", async () => {
		const { project } = await newProject("remix me");
		const res = await call(`/api/projects/${project}/remix`, {
			method: "POST",
			headers: { "content-type": "application/json" },
		});
		expect(res.status).toBe(201);
		expect((await res.json<{ remixedFrom: unknown }>()).remixedFrom).toEqual({ project, version: 1 });
	});
});

describe("streaming (must-hold 2)", () => {
	it("sends the first delta while the upstream is still holding its answer open", async () => {
		const s = await createScenario(FAKE, { replies: [{ holdAfterChunks: 2, chunkSize: 10 }] });
		const res = await postJson("/api/generate", { prompt: `a slow clock ${s.marker}` });
		expect(res.status).toBe(200);
		const events = sseEvents(res);
		const seen = [];
		let firstDelta = "";
		for (;;) {
			const { value, done } = await events.next();
			if (done) throw new Error("the stream ended before any delta");
			seen.push(value);
			if (value.event === "delta") {
				firstDelta = value.data.text;
				break;
			}
		}
		// The upstream has sent 2 of its chunks and is holding the rest: its answer is not finished.
		await waitForHeld(FAKE, s.id);
		expect(await heldCount(FAKE, s.id)).toBe(1);
		expect(firstDelta).toBe("Plan:\n- On");
		expect(seen[0].event).toBe("start");
		await release(FAKE, s.id);
		const rest = [];
		for await (const e of events) rest.push(e);
		const g = summarize([...seen, ...rest]);
		expect(g.version).toBe(1);
		// Every character the upstream wrote arrived, in order, and became the version.
		const n = Number(/Answer number (\d+)/.exec(g.text)?.[1]);
		expect(g.text).toBe(defaultAnswer(`a slow clock ${s.marker}`, n));
		expect(await (await call(`/p/${g.project}`)).text()).toContain(`<h1>a slow clock ${s.marker}</h1>`);
	});
});

describe("concurrent edits (must-hold 3)", () => {
	it("50 concurrent follow-ups on one project give 50 distinct, contiguous versions", async () => {
		const { project, token } = await newProject("the concurrency test");
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) => generate({ prompt: `edit number ${i}`, project }, token)),
		);
		expect(results.map((r) => r.error)).toEqual(Array(50).fill(undefined));
		const numbers = results.map((r) => r.version as number).sort((a, b) => a - b);
		expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
		const body = await (await call(`/api/projects/${project}`)).json<ProjectBody>();
		expect(body.versions.map((v) => v.number)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
		expect(body.versions.slice(1).every((v) => v.parentNumber === 1)).toBe(true);
	});
});

describe("starter prompts (must-hold 6)", () => {
	it("answer every starter at once from its stored app, with zero requests to the upstream", async () => {
		expect(STARTERS.length).toBeGreaterThanOrEqual(6);
		for (const starter of STARTERS) {
			const g = await generate({ prompt: `  ${starter.prompt}\n` });
			expect(g.version, starter.id).toBe(1);
			expect(await (await call(`/p/${g.project}`)).text()).toBe(starter.code);
			const v = await (await call(`/api/projects/${g.project}/versions/1`)).json<{
				version: { provider: string; model: string };
			}>();
			expect(v.version).toMatchObject({ provider: "starter", model: starter.id });
		}
		const prompts = new Set(STARTERS.map((s) => s.prompt));
		const upstream = await allRequests(FAKE);
		const asked = upstream.filter((r) =>
			r.body?.messages?.some((m) => typeof m.content === "string" && prompts.has(m.content.trim())),
		);
		expect(asked).toEqual([]);
	});

	it("work with no model configured at all, while other prompts say what to set", async () => {
		const none = { LLM_BASE_URL: undefined, LLM_MODEL: undefined, LLM_API_KEY: undefined, LLM_PROVIDER: undefined };
		const json = { "content-type": "application/json" };
		const ok = await callWithEnv(none, "/api/generate", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ prompt: STARTERS[0].prompt }),
		});
		expect(ok.status).toBe(200);
		const events = summarize(
			await (async () => {
				const out = [];
				for await (const e of sseEvents(ok)) out.push(e);
				return out;
			})(),
		);
		expect(events.version).toBe(1);

		const before = await rowCounts();
		const err = await expectError(
			await callWithEnv(none, "/api/generate", {
				method: "POST",
				headers: json,
				body: JSON.stringify({ prompt: "a weather app" }),
			}),
			503,
			"no_provider",
		);
		expect(err.message).toContain("LLM_BASE_URL");
		expect(err.message).toContain("LLM_MODEL");
		expect(await rowCounts()).toEqual(before);

		const config = await (await callWithEnv(none, "/api/config")).json<{
			llm: { configured: boolean; settings: string[] };
			starters: unknown[];
		}>();
		expect(config.llm.configured).toBe(false);
		expect(config.llm.settings).toContain("LLM_BASE_URL");
		expect(config.starters).toHaveLength(STARTERS.length);
	});

	it("are listed for the SPA, and the config never shows the API key", async () => {
		const res = await call("/api/config");
		const text = await res.text();
		expect(JSON.parse(text).llm).toEqual({ configured: true, provider: "openai-compatible", model: "fake-model" });
		expect(text).not.toContain("sk-test-secret");
		const starters = await (await call("/api/starters")).json<{ starters: { id: string; prompt: string }[] }>();
		expect(starters.starters.map((s) => s.id)).toEqual(STARTERS.map((s) => s.id));
	});
});

describe("the generation log", () => {
	it("is one JSON line per generation: ids, outcome, timings and counts; never the prompt, the code or the key", async () => {
		const logged = vi.spyOn(console, "log");
		const g = await generate({ prompt: "a log-shy page about herons" });
		const lines = logged.mock.calls.map((c) => c.join(" "));
		logged.mockRestore();
		const mine = lines.filter((l) => l.includes(`"project":"${g.project}"`));
		expect(mine).toHaveLength(1);
		const entry = JSON.parse(mine[0]);
		expect(Object.keys(entry).sort()).toEqual(
			["beforeModelMs", "d1Queries", "event", "outcome", "project", "provider", "ttftMs", "version"].sort(),
		);
		expect(entry).toMatchObject({ event: "generation", outcome: "done", version: 1, provider: "openai-compatible" });
		expect(entry.beforeModelMs).toBeGreaterThanOrEqual(0);
		expect(entry.ttftMs).toBeGreaterThanOrEqual(entry.beforeModelMs);
		const all = lines.join("\n");
		expect(all).not.toContain("herons");
		expect(all).not.toContain("<!DOCTYPE");
		expect(all).not.toContain("sk-test-secret");
	});
});

describe("rate limiting", () => {
	it("answers 429 with Retry-After once a client is over its limit, and writes nothing", async () => {
		const headers = { "content-type": "application/json", "cf-connecting-ip": "203.0.113.7" };
		const send = () =>
			callWithEnv({ GENERATE_LIMITER: env.TIGHT_LIMITER }, "/api/generate", {
				method: "POST",
				headers,
				body: JSON.stringify({ prompt: STARTERS[0].prompt }),
			});
		for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
		const before = await rowCounts();
		const limited = await send();
		expect(limited.headers.get("retry-after")).toBe("60");
		await expectError(limited, 429, "rate_limited");
		expect(await rowCounts()).toEqual(before);
		// Another client is not affected.
		const other = await callWithEnv({ GENERATE_LIMITER: env.TIGHT_LIMITER }, "/api/generate", {
			method: "POST",
			headers: { ...headers, "cf-connecting-ip": "203.0.113.8" },
			body: JSON.stringify({ prompt: STARTERS[0].prompt }),
		});
		expect(other.status).toBe(200);
	});

	it("keys an IPv6 client by its /64: new addresses in the same /64 share one limit", async () => {
		// Four addresses of one /64, spelled as clients and proxies spell them.
		const sameSlash64 = [
			"2001:db8:17:5::1",
			"2001:0db8:0017:0005:ffff:ffff:ffff:fffe",
			"2001:DB8:17:5:a:b:c:d",
			"2001:db8:17:5::9",
		];
		const send = (ip: string) =>
			callWithEnv({ GENERATE_LIMITER: env.TIGHT_LIMITER }, "/api/generate", {
				method: "POST",
				headers: { "content-type": "application/json", "cf-connecting-ip": ip },
				body: JSON.stringify({ prompt: STARTERS[0].prompt }),
			});
		for (const ip of sameSlash64.slice(0, 3)) expect((await send(ip)).status).toBe(200);
		const before = await rowCounts();
		await expectError(await send(sameSlash64[3]), 429, "rate_limited");
		expect(await rowCounts()).toEqual(before);
		// The next /64 is another client.
		expect((await send("2001:db8:17:6::1")).status).toBe(200);
	});
});

describe("a client that goes away", () => {
	it("stops the generation: the model call is cancelled and nothing is stored (what Stop promises)", async () => {
		const s = await createScenario(FAKE, { replies: [{ holdAfterChunks: 1 }] });
		const before = await rowCounts();
		const res = await postJson("/api/generate", { prompt: `left early ${s.marker}` });
		const events = sseEvents(res);
		const start = (await events.next()).value;
		if (start?.event !== "start") throw new Error("no start");
		await waitForHeld(FAKE, s.id);
		await events.return(undefined);
		await res.body?.cancel().catch(() => {});
		// The held upstream call is dropped at once (well before the 1 s idle timeout of these tests would
		// drop it): the fake sees its request end. Were it still held, release() would let it finish.
		await vi.waitFor(async () => expect(await heldCount(FAKE, s.id)).toBe(0), { timeout: 400, interval: 20 });
		await release(FAKE, s.id);
		await new Promise((r) => setTimeout(r, 300));
		expect((await call(`/api/projects/${start.data.project}`)).status).toBe(404);
		expect(await rowCounts()).toEqual(before);
	});
});

describe("the anthropic provider", () => {
	const anthropic = {
		LLM_PROVIDER: "anthropic",
		LLM_BASE_URL: `${FAKE}/v1`,
		LLM_API_KEY: "sk-ant-test",
		LLM_MODEL: "claude-test",
	};
	const send = (prompt: string) =>
		callWithEnv(anthropic, "/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt }),
		});
	const read = async (res: Response) => {
		const out = [];
		for await (const e of sseEvents(res)) out.push(e);
		return summarize(out);
	};

	it("streams and stores a version through Anthropic's Messages API", async () => {
		const s = await createScenario(FAKE);
		const g = await read(await send(`an anthropic app ${s.marker}`));
		expect(g.version).toBe(1);
		const [req] = await recordedRequests(FAKE, s.id);
		expect(req.path).toBe("/v1/messages");
		expect(req.apiKey).toBe("sk-ant-test");
		expect(req.body?.model).toBe("claude-test");
		const v = await (await call(`/api/projects/${g.project}/versions/1`)).json<{
			version: { provider: string; model: string; code: string };
		}>();
		expect(v.version).toMatchObject({ provider: "anthropic", model: "claude-test" });
		expect(v.version.code).toContain(`<h1>an anthropic app ${s.marker}</h1>`);
	});

	it("maps its failures to the same error codes", async () => {
		for (const [reply, code] of [
			[{ status: 401 }, "upstream_unauthorized"],
			[{ status: 429 }, "upstream_rate_limited"],
			[{ finishReason: "length" as const }, "truncated_answer"],
		] as const) {
			const s = await createScenario(FAKE, { default: reply });
			const before = await rowCounts();
			expect((await read(await send(`x ${s.marker}`))).error?.code).toBe(code);
			expect(await rowCounts()).toEqual(before);
		}
	});
});

describe("the workers-ai provider (the AI binding)", () => {
	/**
	 * The AI binding has no local simulator, so this stands in for it: its `run()`
	 * streams from the fake upstream in OpenAI's chunk format, one of the two
	 * formats the binding streams (and workers-ai-provider parses).
	 */
	const aiBinding = {
		async run(model: string, inputs: { messages: unknown[] }, options?: { signal?: AbortSignal }) {
			const res = await fetch(`${FAKE}/v1/chat/completions`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ model, stream: true, messages: inputs.messages }),
				signal: options?.signal,
			});
			if (!res.ok) throw new Error(`AiError: ${res.status}`);
			return res.body;
		},
	} as unknown as Ai;
	const deployedWithNothingSet = {
		LLM_BASE_URL: undefined,
		LLM_MODEL: undefined,
		LLM_API_KEY: undefined,
		AI: aiBinding,
	};

	it("is the default when nothing else is set and the binding exists, and streams a version", async () => {
		const config = await (await callWithEnv(deployedWithNothingSet, "/api/config")).json<{ llm: unknown }>();
		expect(config.llm).toEqual({
			configured: true,
			provider: "workers-ai",
			model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
		});
		const s = await createScenario(FAKE);
		const res = await callWithEnv(deployedWithNothingSet, "/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `a workers ai app ${s.marker}` }),
		});
		const out = [];
		for await (const e of sseEvents(res)) out.push(e);
		const g = summarize(out);
		expect(g.version).toBe(1);
		const [req] = await recordedRequests(FAKE, s.id);
		expect(req.body?.model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
		const v = await (await call(`/api/projects/${g.project}/versions/1`)).json<{
			version: { provider: string; code: string };
		}>();
		expect(v.version.provider).toBe("workers-ai");
		expect(v.version.code).toContain(`<h1>a workers ai app ${s.marker}</h1>`);
	});
});
