import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";

// Its own file: it breaks the database, and storage is isolated per test file.
it("answers 503 naming every part when the database has lost its tables", async () => {
	await env.DB.exec("DROP TABLE IF EXISTS app_data; DROP TABLE versions; DROP TABLE projects;");
	const res = await exports.default.fetch("https://kiln.test/healthz");
	expect(res.status).toBe(503);
	const body = await res.json<{ ok: boolean; parts: Record<string, string>; error: { message: string } }>();
	expect(body.ok).toBe(false);
	expect(body.parts.d1).toMatch(/no such table/);
	expect(body.error.message).toContain("d1");
});
