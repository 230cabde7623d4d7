import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("notion Worker", () => {
	it("answers /healthz once D1 answers", async () => {
		const res = await exports.default.fetch("https://kiln.test/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, worker: "notion" });
	});

	it("answers an unknown path with a JSON 404", async () => {
		const res = await exports.default.fetch("https://kiln.test/nope", { method: "POST" });
		expect(res.status).toBe(404);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("not_found");
	});
});
