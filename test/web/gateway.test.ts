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
