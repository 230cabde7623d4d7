import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import gateway from "../../workers/web/index";

const get = (path: string, init?: RequestInit) => exports.default.fetch(`https://kiln.test${path}`, init);

/** Calls the gateway with some bindings swapped, to see how it handles a part that fails. */
async function withBindings(path: string, overrides: Partial<WebBindings>) {
	const ctx = createExecutionContext();
	const res = await gateway.fetch(
		new Request(`https://kiln.test${path}`),
		{ ...env, ...overrides } as WebBindings,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return res;
}

const throwing = {
	fetch: () => {
		throw new Error("boom: secret detail at workers/codegen/index.ts:12");
	},
} as unknown as Fetcher;

describe("GET /healthz", () => {
	it("answers 200 ok when codegen, notion and D1 answer", async () => {
		const res = await get("/healthz");
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(await res.json()).toEqual({ ok: true, parts: { codegen: "ok", notion: "ok", d1: "ok" } });
	});

	it("answers 503 naming the part that fails", async () => {
		const res = await withBindings("/healthz", { NOTION: throwing as WebBindings["NOTION"] });
		expect(res.status).toBe(503);
		const body = await res.json<{
			ok: boolean;
			parts: Record<string, string>;
			error: { code: string; message: string };
		}>();
		expect(body.ok).toBe(false);
		expect(body.parts.codegen).toBe("ok");
		expect(body.parts.d1).toBe("ok");
		expect(body.parts.notion).toContain("boom");
		expect(body.error).toEqual({ code: "unhealthy", message: "Not answering: notion." });
	});
});

describe("routing", () => {
	it("forwards /api/* to codegen", async () => {
		const res = await get("/api/projects/nosuch1");
		expect(res.status).toBe(404);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("project_not_found");
	});

	it("forwards /notion/* to notion without the prefix", async () => {
		const res = await get("/notion/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, worker: "notion" });
	});

	it("answers an unknown path with a JSON 404", async () => {
		const res = await get("/no/such/page");
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toContain("application/json");
		expect(await res.json()).toEqual({ error: { code: "not_found", message: "Nothing at /no/such/page." } });
	});

	it("answers a Worker that throws with a JSON 500 and no stack trace", async () => {
		const res = await withBindings("/api/projects/abc123", { CODEGEN: throwing as WebBindings["CODEGEN"] });
		expect(res.status).toBe(500);
		const text = await res.text();
		expect(JSON.parse(text)).toEqual({
			error: { code: "internal_error", message: "Something went wrong on our side. Try again later." },
		});
		expect(text).not.toMatch(/boom|secret|\.ts/);
	});
});

/** Calls the gateway with a request of our own and some bindings swapped. */
async function callGateway(request: Request, overrides: Partial<WebBindings> = {}) {
	const ctx = createExecutionContext();
	const res = await gateway.fetch(request, { ...env, ...overrides } as WebBindings, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

/** A stand-in for a Worker behind a binding that records the Cookie header it was sent. */
function cookieRecorder() {
	const seen: (string | null)[] = [];
	const fetcher = {
		fetch: (input: RequestInfo, init?: RequestInit) => {
			seen.push(new Request(input, init).headers.get("cookie"));
			return Promise.resolve(Response.json({ ok: true }));
		},
	} as unknown as Fetcher;
	return { seen, fetcher };
}

describe("cookies (tossed by an app on a sibling subdomain)", () => {
	const bomb = Array.from({ length: 30 }, (_, i) => `tossed${i}=${"x".repeat(4000)}`).join("; ");

	it("drops a Cookie header over 8 KiB before any route, so every part still answers", async () => {
		const codegen = cookieRecorder();
		const notion = cookieRecorder();
		const assets = cookieRecorder();
		const bindings = {
			CODEGEN: codegen.fetcher as WebBindings["CODEGEN"],
			NOTION: notion.fetcher as WebBindings["NOTION"],
			ASSETS: assets.fetcher,
		};
		for (const [url, headers] of [
			["https://kiln.test/api/config", {}],
			["https://kiln.test/notion/healthz", {}],
			["https://kiln.test/", { accept: "text/html" }],
			["http://abc123.localhost:8787/", {}],
		] as const) {
			const res = await callGateway(new Request(url, { headers: { ...headers, cookie: bomb } }), bindings);
			expect(res.status).toBe(200);
		}
		expect([...codegen.seen, ...notion.seen, ...assets.seen]).toEqual([null, null, null, null]);
	});

	it("passes an ordinary Cookie header on (an app on its own origin may use its cookies)", async () => {
		const codegen = cookieRecorder();
		const res = await callGateway(new Request("http://abc123.localhost:8787/", { headers: { cookie: "theme=dark" } }), {
			CODEGEN: codegen.fetcher as WebBindings["CODEGEN"],
		});
		expect(res.status).toBe(200);
		expect(codegen.seen).toEqual(["theme=dark"]);
	});

	it("an oversized cookie does not stop a real request: the real codegen answers", async () => {
		const res = await get("/api/projects/nosuch1", { headers: { cookie: bomb } });
		expect(res.status).toBe(404);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("project_not_found");
	});
});

describe("hosts under npm run dev (KILN_DEV_HOSTS set)", () => {
	const dev = { KILN_DEV_HOSTS: "localhost" };
	const at = (host: string, path = "/healthz") => callGateway(new Request(`http://${host}${path}`), dev);

	it("answers loopback names and project origins", async () => {
		for (const host of ["localhost:8787", "127.0.0.1:8787", "[::1]:8787", "LOCALHOST:8787", "localhost."]) {
			expect((await at(host)).status, host).toBe(200);
		}
		expect((await at("abc123.localhost:8787", "/nope")).status).not.toBe(403);
	});

	it("refuses any other Host (DNS rebinding) with a JSON 403, forwarding nothing", async () => {
		const codegen = cookieRecorder();
		for (const host of ["evil.example:8787", "localhost.evil.example", "127.0.0.2:8787", "192.168.1.20:8787"]) {
			const res = await callGateway(
				new Request(`http://${host}/api/generate`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ prompt: "Build me a calculator app" }),
				}),
				{ ...dev, CODEGEN: codegen.fetcher as WebBindings["CODEGEN"] },
			);
			expect(res.status, host).toBe(403);
			expect(res.headers.get("content-type")).toContain("application/json");
			const body = await res.json<{ error: { code: string; message: string } }>();
			expect(body.error.code).toBe("host_not_allowed");
			expect(body.error.message).toContain("KILN_DEV_HOSTS");
		}
		expect(codegen.seen).toEqual([]);
	});

	it("answers the names KILN_DEV_HOSTS adds (a LAN name, or a domain's subdomains)", async () => {
		const lan = { KILN_DEV_HOSTS: "kiln.lan, *.tunnel.example" };
		for (const host of ["kiln.lan:8787", "dev.tunnel.example", "localhost:8787"]) {
			expect((await callGateway(new Request(`http://${host}/healthz`), lan)).status, host).toBe(200);
		}
		for (const host of ["other.lan", "tunnel.example", "kiln.lan.evil.example"]) {
			expect((await callGateway(new Request(`http://${host}/healthz`), lan)).status, host).toBe(403);
		}
	});

	it("checks no host where the setting is unset (deployed: the routes decide)", async () => {
		expect((await callGateway(new Request("https://kiln.example.com/healthz"))).status).toBe(200);
	});
});

describe("the Notion console's page", () => {
	/** A stand-in for a binding that records the paths it was asked for. */
	function pathRecorder(answer: (path: string) => Response) {
		const seen: string[] = [];
		const fetcher = {
			fetch: (input: RequestInfo, init?: RequestInit) => {
				const path = new URL(new Request(input, init).url).pathname;
				seen.push(path);
				return Promise.resolve(answer(path));
			},
		} as unknown as Fetcher;
		return { seen, fetcher };
	}

	it("is the SPA at /console/notion, outside /notion/* (which also catches /notion itself)", async () => {
		const notion = pathRecorder(() => Response.json({ ok: true }));
		const assets = pathRecorder((path) =>
			path === "/"
				? new Response("<!doctype html>", { headers: { "content-type": "text/html" } })
				: new Response(null, { status: 404 }),
		);
		const bindings = { NOTION: notion.fetcher as WebBindings["NOTION"], ASSETS: assets.fetcher };
		const page = await callGateway(
			new Request("https://kiln.test/console/notion", { headers: { "sec-fetch-mode": "navigate" } }),
			bindings,
		);
		expect(page.status).toBe(200);
		expect(await page.text()).toBe("<!doctype html>");
		expect(assets.seen).toEqual(["/console/notion", "/"]);
		expect(notion.seen).toEqual([]);
		// The console's API calls are the notion Worker's.
		await callGateway(new Request("https://kiln.test/notion/console/setup"), bindings);
		await callGateway(new Request("https://kiln.test/notion"), bindings);
		expect(notion.seen).toEqual(["/console/setup", "/"]);
	});
});
