import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/shared/hash";
import { call, callWithEnv, expectError, generate, newProject } from "./helpers";

// Must-hold 7 (caching headers, ETag/304, no D1 query for a cached pinned
// version) and the isolation of generated apps.

let project: string;
let token: string;
let v1: string;

beforeAll(async () => {
	({ project, token } = await newProject("the serving test"));
	v1 = await (await call(`/p/${project}/v/1`)).text();
});

/** A D1 binding that fails the test if anything touches it. */
const noDatabase = new Proxy({} as D1Database, {
	get(_t, prop) {
		throw new Error(`D1 was used (${String(prop)}) where it must not be`);
	},
});

describe("GET /p/:project (latest)", () => {
	it("revalidates every time: no-cache with the content hash as ETag, 304 on If-None-Match", async () => {
		const res = await call(`/p/${project}`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
		expect(res.headers.get("cache-control")).toBe("public, no-cache");
		const etag = res.headers.get("etag");
		expect(etag).toBe(`"${await sha256Hex(v1)}"`);
		expect(await res.text()).toBe(v1);
		for (const inm of [etag as string, `W/${etag}`, `"other", ${etag}`, "*"]) {
			const again = await call(`/p/${project}`, { headers: { "if-none-match": inm } });
			expect(again.status, inm).toBe(304);
			expect(again.headers.get("etag")).toBe(etag);
			expect(await again.text()).toBe("");
		}
		expect((await call(`/p/${project}`, { headers: { "if-none-match": '"stale"' } })).status).toBe(200);
	});

	it("costs exactly one D1 query, 304 included", async () => {
		expect((await call(`/p/${project}`)).headers.get("server-timing")).toBe('d1;desc="1 query"');
		const etag = (await call(`/p/${project}`)).headers.get("etag") as string;
		expect((await call(`/p/${project}`, { headers: { "if-none-match": etag } })).headers.get("server-timing")).toBe(
			'd1;desc="1 query"',
		);
	});

	it("moves to a new version and its new ETag, and the old ETag no longer matches", async () => {
		const { project: p, token: t } = await newProject("moving target");
		const oldEtag = (await call(`/p/${p}`)).headers.get("etag") as string;
		await generate({ prompt: "next one", project: p }, t);
		const res = await call(`/p/${p}`, { headers: { "if-none-match": oldEtag } });
		expect(res.status).toBe(200);
		expect(res.headers.get("x-kiln-version")).toBe("2");
		expect(res.headers.get("etag")).not.toBe(oldEtag);
	});
});

describe("GET /p/:project/v/:n (pinned)", () => {
	it("is immutable for a year, with an ETag and 304", async () => {
		const res = await call(`/p/${project}/v/1`);
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(res.headers.get("etag")).toBe(`"${await sha256Hex(v1)}"`);
		expect(await res.text()).toBe(v1);
		const again = await call(`/p/${project}/v/1`, { headers: { "if-none-match": `"${await sha256Hex(v1)}"` } });
		expect(again.status).toBe(304);
	});

	it("after the first hit, is served from the Workers cache (and the isolate's memory) with zero D1 queries", async () => {
		const { project: p, token: t } = await newProject("cache me");
		await generate({ prompt: "a second version", project: p }, t);
		const first = await call(`/p/${p}/v/2/`);
		expect(first.headers.get("server-timing")).toBe('d1;desc="1 query"');
		const body = await first.text();
		// The Workers cache is written after the response (waitUntil); give it a moment.
		const cache = caches.default;
		let cached: Response | undefined;
		for (let i = 0; i < 50 && !cached; i++) {
			cached = await cache.match(`https://kiln.test/p/${p}/v/2/`);
			if (!cached) await new Promise((r) => setTimeout(r, 10));
		}
		expect(cached?.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(await cached?.text()).toBe(body);
		const second = await call(`/p/${p}/v/2/`);
		expect(second.headers.get("server-timing")).toBe('cache;desc="memory", d1;desc="0 queries"');
		expect(await second.text()).toBe(body);
		// Proof that does not rely on the Worker's own count: with no database at all it still answers.
		const noDb = await callWithEnv({ DB: noDatabase }, `/p/${p}/v/2/`);
		expect(noDb.status).toBe(200);
		expect(noDb.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(await noDb.text()).toBe(body);
		const noDb304 = await callWithEnv({ DB: noDatabase }, `/p/${p}/v/2/`, {
			headers: { "if-none-match": first.headers.get("etag") as string },
		});
		expect(noDb304.status).toBe(304);
		// The latest, by contrast, always asks the database.
		expect((await callWithEnv({ DB: noDatabase }, `/p/${p}/`)).status).toBe(500);
	});

	it("consults the Workers cache before D1 (an isolate that has not served the version yet)", async () => {
		const { project: p } = await newProject("cache first");
		// What the data centre's cache holds wins over D1: put a marked copy there first.
		const url = `https://kiln.test/p/${p}/v/1/`;
		const marked = new Response("<p>from the Workers cache</p>", {
			headers: {
				"Content-Type": "text/html; charset=utf-8",
				"Cache-Control": "public, max-age=31536000, immutable",
				ETag: '"marked"',
			},
		});
		await caches.default.put(url, marked);
		const res = await callWithEnv({ DB: noDatabase }, `/p/${p}/v/1/`);
		expect(res.status).toBe(200);
		expect(res.headers.get("server-timing")).toBe('cache;desc="hit", d1;desc="0 queries"');
		expect(await res.text()).toBe("<p>from the Workers cache</p>");
	});

	it("is unchanged by later edits", async () => {
		await generate({ prompt: "change everything", project }, token);
		expect(await (await call(`/p/${project}/v/1`)).text()).toBe(v1);
	});
});

describe("isolation", () => {
	it("without a project origin, serves apps sandboxed: an opaque origin with no access to Kiln's storage", async () => {
		for (const path of [`/p/${project}`, `/p/${project}/v/1`]) {
			const res = await call(path);
			expect(res.headers.get("content-security-policy")).toBe(
				"sandbox allow-scripts allow-forms allow-modals allow-popups",
			);
			expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		}
		const json = await (await call(`/api/projects/${project}`)).json<{
			project: { appUrl: string; shareUrl: string; isolation: string };
			versions: { appUrl: string }[];
		}>();
		expect(json.project).toMatchObject({
			appUrl: `https://kiln.test/p/${project}/`,
			shareUrl: `https://kiln.test/p/${project}`,
			isolation: "sandbox",
		});
		expect(json.versions[0].appUrl).toBe(`https://kiln.test/p/${project}/v/1/`);
	});

	it("on localhost, sends /p/ links to the project's own origin <project>.localhost", async () => {
		// (fetch would follow the redirect; look at it instead)
		const latest = await call(`/p/${project}`, { base: "http://localhost:8787", redirect: "manual" });
		expect(latest.status).toBe(302);
		expect(latest.headers.get("location")).toBe(`http://${project}.localhost:8787/`);
		const pinned = await call(`/p/${project}/v/1`, { base: "http://localhost:8787", redirect: "manual" });
		expect(pinned.headers.get("location")).toBe(`http://${project}.localhost:8787/v/1/`);
		// Bad input is still refused before any redirect.
		expect((await call(`/p/${project}/v/0`, { base: "http://localhost:8787" })).status).toBe(400);
		// The redirect asks no D1 query: an unknown project goes to its origin, which answers 404.
		const unknown = await call("/p/nosuch99", { base: "http://localhost:8787", redirect: "manual" });
		expect(unknown.status).toBe(302);
		expect(unknown.headers.get("location")).toBe("http://nosuch99.localhost:8787/");
		await expectError(await call("/", { base: "http://nosuch99.localhost:8787" }), 404, "project_not_found");
		const json = await (await call(`/api/projects/${project}`, { base: "http://localhost:8787" })).json<{
			project: { appUrl: string; shareUrl: string; isolation: string };
			versions: { appUrl: string; shareUrl: string }[];
		}>();
		expect(json.project).toMatchObject({
			appUrl: `http://${project}.localhost:8787/`,
			shareUrl: `http://localhost:8787/p/${project}`,
			isolation: "origin",
		});
		expect(json.versions[0]).toMatchObject({
			appUrl: `http://${project}.localhost:8787/v/1/`,
			shareUrl: `http://localhost:8787/p/${project}/v/1`,
		});
	});

	it("serves the app on its own origin without the sandbox (so its localStorage works), and nothing else of Kiln there", async () => {
		const base = `http://${project}.localhost:8787`;
		const latest = await call("/", { base });
		expect(latest.status).toBe(200);
		expect(latest.headers.get("content-security-policy")).toBeNull();
		expect(latest.headers.get("cache-control")).toBe("public, no-cache");
		const pinned = await call("/v/1/", { base });
		expect(pinned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(await pinned.text()).toBe(v1);
		expect((await call("/v/abc", { base })).status).toBe(400);
		expect((await call("/v/99", { base })).status).toBe(404);
		// Kiln's API and other projects are not reachable from an app's origin.
		for (const path of [`/api/projects/${project}`, "/api/generate", `/p/${project}`, "/healthz"]) {
			const res = await call(path, { base, method: path === "/api/generate" ? "POST" : "GET" });
			expect(res.status, path).toBe(404);
			// /api/* there is the app's own server's (this app has none).
			const code = path.startsWith("/api/") ? "no_server" : "not_found";
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe(code);
		}
		const client = await call("/_kiln/db.js", { base });
		expect(client.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(await client.text()).toContain("window.kiln");
		expect((await call("/", { base: "http://nosuchproj9.localhost:8787" })).status).toBe(404);
	});

	it("uses a configured wildcard origin (PROJECT_ORIGIN), and PROJECT_ORIGIN=off turns origins off", async () => {
		const pattern = { PROJECT_ORIGIN: "https://*.apps.example.com" };
		async function callAt(url: string, o: Record<string, string>) {
			const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
			const worker = (await import("../../workers/codegen/index")).default;
			const c = createExecutionContext();
			const res = await worker.fetch(new Request(url), { ...env, ...o } as CodegenBindings, c);
			const body = await res.text();
			await waitOnExecutionContext(c);
			return new Response(res.status === 304 || res.status === 302 ? null : body, res);
		}
		const redirect = await callAt(`https://kiln.example.com/p/${project}`, pattern);
		expect(redirect.status).toBe(302);
		expect(redirect.headers.get("location")).toBe(`https://${project}.apps.example.com/`);
		const app = await callAt(`https://${project}.apps.example.com/v/1/`, pattern);
		expect(app.status).toBe(200);
		expect(app.headers.get("content-security-policy")).toBeNull();
		expect(await app.text()).toBe(v1);
		// A host outside the pattern is Kiln itself, not a project.
		expect((await callAt(`https://${project}.elsewhere.example.com/`, pattern)).status).toBe(404);
		const off = await callAt(`http://localhost:8787/p/${project}/v/1/`, { PROJECT_ORIGIN: "off" });
		expect(off.status).toBe(200);
		expect(off.headers.get("content-security-policy")).toContain("sandbox");
	});
});
