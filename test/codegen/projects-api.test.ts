import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { createProject, insertNextVersion } from "../../src/db/projects";
import { sha256Hex } from "../../src/shared/hash";

const db = createDb(env.DB);

async function seed(id: string) {
	await createProject(db, {
		id,
		title: "Seeded",
		editTokenHash: await sha256Hex("secret-token"),
		firstVersion: { prompt: "p1", code: "<p>one</p>", contentHash: await sha256Hex("<p>one</p>") },
	});
	await insertNextVersion(db, id, 1, { prompt: "p2", code: "<p>two</p>", contentHash: await sha256Hex("<p>two</p>") });
}

function get(path: string) {
	return exports.default.fetch(`https://kiln.test${path}`);
}

describe("GET /healthz", () => {
	it("answers ok once D1 answers", async () => {
		const res = await get("/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, worker: "codegen" });
	});
});

describe("GET /api/projects/:project", () => {
	it("returns the project with its versions, never the edit token hash", async () => {
		await seed("apiproj1");
		const res = await get("/api/projects/apiproj1");
		expect(res.status).toBe(200);
		const body = await res.json<{ project: Record<string, unknown>; versions: { number: number }[] }>();
		expect(body.project).toMatchObject({ id: "apiproj1", title: "Seeded" });
		expect(body.project).not.toHaveProperty("editTokenHash");
		expect(JSON.stringify(body)).not.toContain(await sha256Hex("secret-token"));
		expect(body.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
	});

	it("404s with a JSON error for an unknown project", async () => {
		const res = await get("/api/projects/unknown1");
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({
			error: { code: "project_not_found", message: 'No project "unknown1".' },
		});
	});

	it("400s for a malformed project id", async () => {
		for (const bad of ["AB", "has-dash", "x".repeat(33), "%20sp"]) {
			const res = await get(`/api/projects/${bad}`);
			expect(res.status, bad).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_project_id");
		}
	});
});

describe("GET /api/projects/:project/versions/:n", () => {
	it("returns one version with its code", async () => {
		await seed("apiproj2");
		const res = await get("/api/projects/apiproj2/versions/1");
		expect(res.status).toBe(200);
		expect((await res.json<{ version: { code: string } }>()).version.code).toBe("<p>one</p>");
	});

	it("400s for 0, -1, abc, 1e9 and 01, and 404s for a version that does not exist", async () => {
		await seed("apiproj3");
		for (const bad of ["0", "-1", "abc", "1e9", "01", "1.5", "99999999"]) {
			const res = await get(`/api/projects/apiproj3/versions/${bad}`);
			expect(res.status, bad).toBe(400);
			expect((await res.json<{ error: { code: string } }>()).error.code).toBe("invalid_version");
		}
		const missing = await get("/api/projects/apiproj3/versions/3");
		expect(missing.status).toBe(404);
		expect((await missing.json<{ error: { code: string } }>()).error.code).toBe("version_not_found");
	});
});

describe("errors", () => {
	it("answers an unknown path with a JSON 404", async () => {
		const res = await get("/no/such/thing");
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toContain("application/json");
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("not_found");
	});

	it("answers a failing database with a JSON 500 and no stack trace or SQL", async () => {
		await env.DB.exec("DROP TABLE IF EXISTS app_data; DROP TABLE versions; DROP TABLE projects;");
		const res = await get("/api/projects/apiproj9");
		expect(res.status).toBe(500);
		const text = await res.text();
		expect(JSON.parse(text)).toEqual({
			error: { code: "internal_error", message: "Something went wrong on our side. Try again later." },
		});
		expect(text).not.toMatch(/ at |projects|SQLITE|\.ts/);
	});
});
