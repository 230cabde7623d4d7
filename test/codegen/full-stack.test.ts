import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConfigJson, ProjectJson } from "../../src/shared/api";
import { dbLimits } from "../../workers/codegen/app-db/limits";
import { NO_LOADER_MESSAGE, SERVERS_OFF_MESSAGE } from "../../workers/codegen/app-server";
import { SANDBOX_LIMITS } from "../../workers/codegen/sandbox/limits";
import { runAppServer } from "../../workers/codegen/sandbox/run";
import { createScenario, recordedRequests } from "../fakes/openai";
import {
	serverAnswer as answer,
	call,
	callWithEnv,
	expectError,
	FAKE,
	generate,
	onOrigin,
	origin,
	PAGE,
	rowCounts,
	withServer,
} from "./helpers";
import { complete, logsWhen } from "./owner-helpers";

const HONO_APP = (n: number) => `import { Hono } from "hono";
const app = new Hono();
app.get("/api/which", (c) => c.json({ version: ${n}, path: new URL(c.req.url).pathname, q: c.req.query("q") ?? null }));
app.post("/api/echo", async (c) => c.json({ got: await c.req.json() }));
export default app;`;

describe("server modules refused at generation", () => {
	const bad: Record<string, string> = {
		"does not parse": "export default { fetch( {",
		"has no default export": "export function fetch() { return new Response('x'); }",
		"has a default export without fetch": "export default { hello() {} };",
		"imports what the sandbox lacks":
			'import _ from "lodash";\nexport default { fetch() { return new Response(_.x); } };',
		"throws at the top": 'throw new Error("no");\nexport default { fetch() {} };',
	};
	for (const [what, server] of Object.entries(bad)) {
		it(`refuses one that ${what}: error event, nothing stored`, async () => {
			const before = await rowCounts();
			const g = await withServer(server);
			expect(g.error?.code).toBe("invalid_server");
			expect(g.error?.message).toMatch(/server\.js/);
			expect(g.version).toBeUndefined();
			expect(await rowCounts()).toEqual(before);
		});
	}
});

describe("routing by version", () => {
	it("sends a pinned page's api/ calls to its own version's server and the latest page's to the latest", async () => {
		const v1 = await withServer(HONO_APP(1));
		expect(v1.version).toBe(1);
		const v2 = await withServer(HONO_APP(2), { project: v1.project, token: v1.token });
		expect(v2.version).toBe(2);
		const p = v1.project;

		const latest = await onOrigin(p, "/api/which?q=a");
		expect(latest.status).toBe(200);
		expect(await latest.json()).toEqual({ version: 2, path: "/api/which", q: "a" });
		expect(latest.headers.get("x-kiln-version")).toBe("2");
		const pinned = await onOrigin(p, "/v/1/api/which");
		expect(await pinned.json()).toMatchObject({ version: 1, path: "/api/which" });
		const posted = await onOrigin(p, "/v/1/api/echo", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ a: 1 }),
		});
		expect(await posted.json()).toEqual({ got: { a: 1 } });

		// Pinned pages are canonical with a slash, so relative api/ URLs resolve under them.
		const bare = await onOrigin(p, "/v/1", { redirect: "manual" });
		expect(bare.status).toBe(301);
		expect(bare.headers.get("location")).toBe("/v/1/");
		const page = await onOrigin(p, "/v/1/");
		expect(page.status).toBe(200);
		expect(await page.text()).toBe(PAGE);
		expect(new URL("api/which", `${origin(p)}/v/1/`).pathname).toBe("/v/1/api/which");

		// Unknown version, page-only version.
		await expectError(await onOrigin(p, "/v/9/api/which"), 404, "version_not_found");
		const pageOnly = await generate({ prompt: "just a page", project: p }, v1.token);
		expect(pageOnly.version).toBe(3);
		await expectError(await onOrigin(p, "/api/which"), 404, "no_server");
		expect((await (await onOrigin(p, "/v/2/api/which")).json()) as object).toMatchObject({ version: 2 });
	});

	it("looks a pinned version's server up in D1 once, the latest's on every request", async () => {
		const v1 = await withServer(HONO_APP(1));
		const queries = (res: Response) => res.headers.get("server-timing");
		expect(queries(await onOrigin(v1.project, "/v/1/api/which"))).toContain('d1;desc="1 query"');
		const again = await onOrigin(v1.project, "/v/1/api/which");
		expect(await again.json()).toMatchObject({ version: 1 });
		expect(queries(again)).toContain('d1;desc="0 queries"');
		await onOrigin(v1.project, "/api/which");
		expect(queries(await onOrigin(v1.project, "/api/which"))).toContain('d1;desc="1 query"');
	});

	it("gives sandboxed apps (no project origin) their own path under /p/, apart from Kiln's /api", async () => {
		const v1 = await withServer(HONO_APP(1));
		await withServer(HONO_APP(2), { project: v1.project, token: v1.token });
		const p = v1.project;
		const off = { PROJECT_ORIGIN: "off" };

		const bare = await callWithEnv(off, `/p/${p}`);
		expect(bare.status).toBe(302);
		expect(bare.headers.get("location")).toBe(`/p/${p}/`);
		const page = await callWithEnv(off, `/p/${p}/`);
		expect(page.status).toBe(200);
		expect(page.headers.get("content-security-policy")).toContain("sandbox");

		const latest = await callWithEnv(off, `/p/${p}/api/which`);
		expect(await latest.json()).toMatchObject({ version: 2, path: "/api/which" });
		// The page is an opaque origin: its calls are cross-origin.
		expect(latest.headers.get("access-control-allow-origin")).toBe("*");
		const pinned = await callWithEnv(off, `/p/${p}/v/1/api/which`);
		expect(await pinned.json()).toMatchObject({ version: 1 });
		const preflight = await callWithEnv(off, `/p/${p}/v/1/api/echo`, { method: "OPTIONS" });
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");

		// With project origins, the API lives there only.
		await expectError(await call(`/p/${p}/api/which`, { base: "http://localhost:8787" }), 404, "not_found");
		// Kiln's own API is untouched.
		expect((await call(`/api/projects/${p}`)).status).toBe(200);
	});
});

describe("without a loader binding (a plan without Dynamic Workers)", () => {
	it("answers a version with a server 501 on its api/ path, with a JSON error", async () => {
		const v1 = await withServer(HONO_APP(1));
		const off = { LOADER: undefined, PROJECT_ORIGIN: "off" };
		const err = await expectError(await callWithEnv(off, `/p/${v1.project}/api/which`), 501, "servers_unavailable");
		expect(err.message).toMatch(/LOADER/);
		// The page itself still works.
		expect((await callWithEnv(off, `/p/${v1.project}/`)).status).toBe(200);
	});

	it("tells the SPA: the config says why, and the project's versions say which have a server", async () => {
		const v1 = await withServer(HONO_APP(1));
		const page = await generate({ prompt: "just a page", project: v1.project }, v1.token);
		expect(page.version).toBe(2);

		const withLoader = await (await call("/api/config")).json<ConfigJson>();
		expect(withLoader.servers).toEqual({ available: true });
		const without = await (await callWithEnv({ LOADER: undefined }, "/api/config")).json<ConfigJson>();
		expect(without.servers).toEqual({ available: false, message: NO_LOADER_MESSAGE });

		const project = await (await call(`/api/projects/${v1.project}`)).json<ProjectJson>();
		expect(project.versions.map((v) => [v.number, v.hasServer])).toEqual([
			[1, true],
			[2, false],
		]);
	});

	it("does the same with a loader when APP_SERVERS=off: 501, the config says why, the prompt asks for pages", async () => {
		const v1 = await withServer(HONO_APP(1));
		const off = { APP_SERVERS: "off" };
		const err = await expectError(
			await callWithEnv({ ...off, PROJECT_ORIGIN: "off" }, `/p/${v1.project}/api/which`),
			501,
			"servers_unavailable",
		);
		expect(err.message).toBe(SERVERS_OFF_MESSAGE);
		const config = await (await callWithEnv(off, "/api/config")).json<ConfigJson>();
		expect(config.servers).toEqual({ available: false, message: SERVERS_OFF_MESSAGE });
		// Any other value leaves servers on.
		expect((await callWithEnv({ APP_SERVERS: "", PROJECT_ORIGIN: "off" }, `/p/${v1.project}/api/which`)).status).toBe(
			200,
		);

		const s = await createScenario(FAKE, {
			replies: [{ text: answer("export default { fetch() { return new Response('x'); } };") }],
		});
		await callWithEnv(off, "/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `a page ${s.marker}` }),
		});
		const [asked] = await recordedRequests(FAKE, s.id);
		const system = asked?.body?.messages?.find((m) => m.role === "system")?.content;
		expect(system).toMatch(/do not write a server\.js block/);
	});
});

describe("limits", () => {
	it("passes cpuMs and subRequests to the loader, on the code and on the entrypoint", async () => {
		const seen: { code?: WorkerLoaderWorkerCode; options?: unknown; id?: string } = {};
		const real = env.LOADER;
		const recording: WorkerLoader = {
			get(id, getCode) {
				seen.id = id as string;
				const stub = real.get(id, async () => {
					seen.code = await getCode();
					return seen.code;
				});
				return {
					getEntrypoint(name, options) {
						seen.options = options;
						return stub.getEntrypoint(name, options);
					},
					getDurableObjectClass: (n, o) => stub.getDurableObjectClass(n, o),
				};
			},
			load: (code) => real.load(code),
		};
		const res = await runAppServer({
			loader: recording,
			version: { project: "limitsapp", number: 1, server: HONO_APP(1), contentHash: "a".repeat(64) },
			request: new Request("https://limitsapp.example/api/which"),
			refuseHosts: [],
			wallClockMs: 5000,
			dbLimits: dbLimits(undefined),
			secrets: { tag: "s0", load: async () => ({}) },
		});
		expect(res.status).toBe(200);
		expect(SANDBOX_LIMITS.cpuMs).toBeGreaterThan(0);
		expect(seen.code?.limits).toEqual(SANDBOX_LIMITS);
		expect(seen.options).toMatchObject({ limits: SANDBOX_LIMITS });
		// One id per version, its content, the revision of what Kiln supplies and the secrets' revision.
		expect(seen.id).toMatch(/^limitsapp\/v1\/a{16}\/[0-9a-f]{12}\/s0$/);
		expect(Object.keys(seen.code?.modules ?? {}).sort()).toEqual([
			"hono",
			"kiln-console.js",
			"kiln-d1.js",
			"kiln-main.js",
			"server.js",
		]);
		// The env is the app's database, its document store and (here none) its secrets; the tail is Kiln's log.
		expect(Object.keys(seen.code?.env ?? {}).sort()).toEqual(["DB", "db"]);
		expect(seen.code?.tails).toHaveLength(1);
	});

	it("fails a throw, a hang and an oversized answer of that request alone, as JSON", async () => {
		const app = await withServer(`export default {
	async fetch(request) {
		const what = new URL(request.url).pathname;
		if (what === "/api/throw") throw new Error("secret detail " + "x");
		if (what === "/api/sleep") await new Promise((r) => setTimeout(r, 3_600_000));
		if (what === "/api/never") await new Promise(() => {});
		if (what === "/api/big") return new Response("x".repeat(2 * 1024 * 1024));
		return Response.json({ ok: true });
	},
};`);
		const p = app.project;
		const thrown = await expectError(await onOrigin(p, "/api/throw"), 500, "app_error");
		expect(thrown.message).not.toContain("secret detail");
		await expectError(await onOrigin(p, "/api/big"), 502, "app_response_too_large");
		await expectError(await onOrigin(p, "/api/never"), 504, "app_timeout");
		// The same app still answers after each failure.
		expect(await (await onOrigin(p, "/api/ok")).json()).toEqual({ ok: true });
	});

	it("cuts an awaited promise that never settles by the wall clock while a second app answers", async () => {
		const hung = await withServer(
			"export default { async fetch() { await new Promise((r) => setTimeout(r, 3_600_000)); return new Response('late'); } };",
		);
		const other = await withServer(HONO_APP(7));
		const slow = onOrigin(hung.project, "/api/anything");
		const quick = await onOrigin(other.project, "/api/which");
		expect(await quick.json()).toMatchObject({ version: 7 });
		const err = await expectError(await slow, 504, "app_timeout");
		expect(err.message).toMatch(/1000 ms/);
	});

	it("rate-limits requests to one project's server", async () => {
		const app = await withServer(HONO_APP(1));
		const over = { APP_LIMITER: env.TIGHT_LIMITER, PROJECT_ORIGIN: "off" };
		for (let i = 0; i < 3; i++) expect((await callWithEnv(over, `/p/${app.project}/api/which`)).status).toBe(200);
		const limited = await callWithEnv(over, `/p/${app.project}/api/which`);
		await expectError(limited, 429, "rate_limited");
	});
});

describe("a throw in a Hono route", () => {
	// Routes that throw, through the ways an app may mount and export a Hono app.
	const THROWING_ROUTES = `import { Hono } from "hono";
const app = new Hono();
app.get("/api/sync", () => { throw new Error("route failed with detail"); });
app.get("/api/async", async () => { await null; throw new RangeError("async route failed"); });
app.use("/api/mw/*", async (c, next) => { await next(); });
app.get("/api/mw/x", () => { throw new Error("behind a middleware"); });
const sub = new Hono();
sub.get("/x", () => { throw new Error("in a sub-app"); });
app.route("/api/sub", sub);
const based = new Hono().basePath("/api/based");
based.get("/x", () => { throw new Error("under a base path"); });
app.route("/", based);
app.get("/api/http", () => { throw Object.assign(new Error("teapot"), { getResponse: () => new Response("short and stout", { status: 418 }) }); });
export default { fetch: (request, env, ctx) => app.fetch(request, env, ctx) };`;

	it("answers Kiln's JSON 500 app_error, as a throw in fetch does, and logs it as an uncaught error", async () => {
		const app = await withServer(THROWING_ROUTES);
		const p = app.project;
		for (const path of ["/api/sync", "/api/async", "/api/mw/x", "/api/sub/x", "/api/based/x"]) {
			const res = await onOrigin(p, path);
			expect(res.headers.get("cache-control")).toBe("no-store");
			const err = await expectError(res, 500, "app_error");
			// The same body as a throw in a plain fetch (the test above), the app's text left out.
			expect(err).toEqual({ code: "app_error", message: "The app's server failed on this request." });
		}
		// An error that carries its answer (Hono's HTTPException) still gives it, as in Hono.
		const teapot = await onOrigin(p, "/api/http");
		expect(teapot.status).toBe(418);
		expect(await teapot.text()).toBe("short and stout");

		// The owner's log has each as an error the app did not catch, with its stack, not as a console line.
		const entries = await logsWhen(
			p,
			app.token,
			(es) => es.filter((e) => e.errors.length > 0 && e.durationMs !== null).length === 5,
		);
		const byPath = new Map(entries.map((e) => [e.path, e]));
		const expected: Record<string, [string, string]> = {
			"/api/sync": ["Error", "route failed with detail"],
			"/api/async": ["RangeError", "async route failed"],
			"/api/mw/x": ["Error", "behind a middleware"],
			"/api/sub/x": ["Error", "in a sub-app"],
			"/api/based/x": ["Error", "under a base path"],
		};
		for (const [path, [name, message]] of Object.entries(expected)) {
			const entry = byPath.get(path);
			expect(entry, path).toMatchObject({ status: 500, logs: [] });
			expect(entry?.errors).toEqual([{ name, message, stack: expect.stringMatching(/\n\s+at /) }]);
		}
	});

	it("keeps the app's own answer when it sets app.onError", async () => {
		const app = await withServer(`import { Hono } from "hono";
const app = new Hono();
app.onError((err, c) => { console.log("handled", err.message); return c.json({ mine: err.message }, 503); });
app.get("/api/x", () => { throw new Error("handled by the app"); });
const sub = new Hono();
sub.get("/y", () => { throw new Error("from a sub-app"); });
app.route("/api/sub", sub);
export default app;`);
		const own = await onOrigin(app.project, "/api/x");
		expect(own.status).toBe(503);
		expect(await own.json()).toEqual({ mine: "handled by the app" });
		const fromSub = await onOrigin(app.project, "/api/sub/y");
		expect(fromSub.status).toBe(503);
		expect(await fromSub.json()).toEqual({ mine: "from a sub-app" });
		// Nothing uncaught: the app answered, and its onError printed what it handled.
		const entries = await logsWhen(app.project, app.token, (es) => es.filter(complete).length === 2);
		expect(entries.map((e) => [e.path, e.status, e.errors, e.logs.map((l) => l.message)])).toEqual([
			["/api/sub/y", 503, [], ["handled from a sub-app"]],
			["/api/x", 503, [], ["handled handled by the app"]],
		]);
	});
});

describe("hostile server code", () => {
	const PROBE = `export default {
	async fetch(request, env) {
		const u = new URL(request.url);
		if (u.pathname === "/api/env") return Response.json({ keys: Object.keys(env) });
		try {
			const res = await fetch(u.searchParams.get("u"));
			return Response.json({ status: res.status });
		} catch (err) {
			return Response.json({ refused: String(err && err.message) });
		}
	},
};`;

	it("cannot fetch loopback, private, link-local addresses or Kiln's own origin", async () => {
		const app = await withServer(PROBE);
		const off = { PROJECT_ORIGIN: "off" };
		const targets = [
			"http://127.0.0.1/",
			"http://localhost:8787/api/config",
			"http://10.0.0.5/",
			"http://192.168.1.1/",
			"http://169.254.169.254/latest/meta-data/",
			"http://[::1]/",
			"http://2130706433/",
			"https://kiln.test/api/config",
		];
		for (const target of targets) {
			const res = await callWithEnv(off, `/p/${app.project}/api/fetch?u=${encodeURIComponent(target)}`);
			const body = (await res.json()) as { refused?: string };
			expect(body.refused, target).toMatch(/Refused/);
		}
		// A project origin, from the project's own origin.
		const own = await onOrigin(app.project, `/api/fetch?u=${encodeURIComponent(`${origin(app.project)}/`)}`);
		expect(((await own.json()) as { refused?: string }).refused).toMatch(/Refused/);
		// What the guard allows does go out (the fake model's server, allowed as a test fake).
		const allowed = await callWithEnv(off, `/p/${app.project}/api/fetch?u=${encodeURIComponent(`${FAKE}/v1/models`)}`);
		expect(((await allowed.json()) as { status?: number }).status).toBeTypeOf("number");
	});

	it("cannot reach loopback through a redirect from an allowed-looking origin", async () => {
		const peers = JSON.parse(env.PEERS) as Record<"a" | "forbidden", string>;
		const hits = async () => ((await (await fetch(`${peers.forbidden}/__hits`)).json()) as { hits: number }).hits;
		const app = await withServer(PROBE);
		const before = await hits();
		// Peer a is allowed (it stands in for a public site); each hop after it is checked again.
		const direct = await onOrigin(app.project, `/api/fetch?u=${encodeURIComponent(`${peers.a}/ok`)}`);
		expect(await direct.json()).toEqual({ status: 200 });
		for (const to of [`${peers.forbidden}/`, "http://localhost/", "http://169.254.169.254/latest/meta-data/"]) {
			for (const status of ["302", "307"]) {
				const hop = `${peers.a}/redirect?status=${status}&to=${encodeURIComponent(to)}`;
				const res = await onOrigin(app.project, `/api/fetch?u=${encodeURIComponent(hop)}`);
				expect(((await res.json()) as { refused?: string }).refused, `${status} to ${to}`).toMatch(/Refused/);
			}
		}
		expect(await hits()).toBe(before);
	});

	it("gets nothing of Kiln's in env: only its own project's SQL database and document store", async () => {
		const app = await withServer(PROBE);
		const res = await onOrigin(app.project, "/api/env");
		expect(await res.json()).toEqual({ keys: ["DB", "db"] });
	});

	it("reaches its own project's documents through env.db, the same ones its page sees", async () => {
		const a = await withServer(`export default {
	async fetch(request, env) {
		await env.db.put("notes", "k1", { from: "server" });
		return Response.json({ list: await env.db.list("notes"), one: await env.db.get("notes", "k1") });
	},
};`);
		const res = await onOrigin(a.project, "/api/x");
		expect(await res.json()).toMatchObject({
			list: [{ key: "k1", value: { from: "server" } }],
			one: { from: "server" },
		});
		const page = await onOrigin(a.project, "/_kiln/data/notes/k1");
		expect(await page.json()).toMatchObject({ value: { from: "server" } });
		// Another project does not see it.
		const b = await withServer(
			`export default { async fetch(r, env) { return Response.json(await env.db.get("notes", "k1")); } };`,
		);
		expect(await (await onOrigin(b.project, "/api/x")).json()).toBeNull();
	});
});
