/**
 * The full-stack starters (workers/codegen/starters: a page and a server
 * module each): stored whole without a model, their server modules pass the
 * check every generated one must pass, and each server does what its page
 * relies on, keeping its data in the project's SQL database (env.DB),
 * refusing bad input with a JSON error and writing nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkServerModule } from "../../workers/codegen/sandbox/check";
import { STARTERS } from "../../workers/codegen/starters";
import { call, expectError, generate, rowCounts } from "./helpers";

const fullStack = STARTERS.filter((s) => s.server !== undefined);

function starter(id: string) {
	const found = fullStack.find((s) => s.id === id);
	if (!found) throw new Error(`no full-stack starter ${id}`);
	return found;
}

/** A new project made from a starter prompt, and a caller of its app's origin. */
async function fromStarter(id: string) {
	const g = await generate({ prompt: starter(id).prompt });
	expect(g.version).toBe(1);
	const origin = `http://${g.project}.localhost:8787`;
	const onApp = (path: string, init?: RequestInit) => call(path, { ...init, base: origin, redirect: "manual" });
	const postJson = (path: string, body: unknown) =>
		onApp(path, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: typeof body === "string" ? body : JSON.stringify(body),
		});
	/** The app's SQL database as its owner downloads it (JSON Lines). */
	const rows = async (table: string) => {
		const res = await call(`/api/projects/${g.project}/database?format=json`, {
			headers: { authorization: `Bearer ${g.editToken}` },
		});
		const lines = (await res.text())
			.trim()
			.split("\n")
			.filter(Boolean)
			.map((l) => JSON.parse(l));
		return lines.filter((l) => l.table === table && l.row).map((l) => l.row as Record<string, unknown>);
	};
	return { project: g.project, onApp, postJson, rows };
}

describe("full-stack starters", () => {
	it("are at least two, each stored with both files and passing the server check", async () => {
		expect(fullStack.length).toBeGreaterThanOrEqual(2);
		for (const s of fullStack) {
			expect(await checkServerModule(env.LOADER, s.server as string), s.id).toEqual({ ok: true });
			const g = await generate({ prompt: s.prompt });
			const v = await (await call(`/api/projects/${g.project}/versions/1`)).json<{
				version: { code: string; server: string | null; provider: string };
			}>();
			expect(v.version).toMatchObject({ code: s.code, server: s.server, provider: "starter" });
			// The page calls its server with relative URLs, so a pinned page reaches its own version.
			expect(s.code).toMatch(/call\("api\//);
			expect(s.code).not.toMatch(/fetch\("\/api/);
		}
	});
});

describe("the poll starter", () => {
	it("counts votes on the server, shared by everyone", async () => {
		const app = await fromStarter("poll");
		const empty = await (await app.onApp("/api/poll")).json<{ options: string[]; total: number }>();
		expect(empty.total).toBe(0);
		expect(empty.options.length).toBeGreaterThan(1);
		const [first, second] = empty.options;
		for (const option of [first, first, second]) {
			expect((await app.postJson("/api/votes", { option })).status).toBe(201);
		}
		const after = await (await app.onApp("/api/poll")).json<{ counts: Record<string, number>; total: number }>();
		expect(after.total).toBe(3);
		expect(after.counts[first]).toBe(2);
		expect(after.counts[second]).toBe(1);
		// The pinned version's api/ answers the same poll (it is the same version).
		expect(await (await app.onApp("/v/1/api/poll")).json()).toEqual(after);
		// One row per vote, in the project's SQL database.
		expect((await app.rows("votes")).map((r) => r.option)).toEqual([first, first, second]);
	});

	it("refuses a vote for anything but its options, or not JSON: 400, JSON error, nothing written", async () => {
		const app = await fromStarter("poll");
		const before = await rowCounts();
		for (const body of [{ option: "Broccoli" }, { option: 3 }, {}, [], "null"]) {
			await expectError(await app.postJson("/api/votes", body), 400, "invalid_option");
		}
		await expectError(await app.postJson("/api/votes", "{not json"), 400, "invalid_json");
		expect(await rowCounts()).toEqual(before);
		expect(await app.rows("votes")).toEqual([]);
		expect((await (await app.onApp("/api/poll")).json<{ total: number }>()).total).toBe(0);
	});
});

describe("the link shortener starter", () => {
	it("shortens a checked address and redirects its short link there", async () => {
		const app = await fromStarter("link-shortener");
		const made = await app.postJson("/api/links", { url: "  https://example.com/a/long/path?q=1  " });
		expect(made.status).toBe(201);
		const link = await made.json<{ code: string; url: string }>();
		expect(link.code).toMatch(/^[a-z0-9]{6}$/);
		expect(link.url).toBe("https://example.com/a/long/path?q=1");

		const go = await app.onApp(`/api/go/${link.code}`);
		expect(go.status).toBe(302);
		expect(go.headers.get("location")).toBe(link.url);
		const listed = await (await app.onApp("/api/links")).json<{ links: { code: string }[] }>();
		expect(listed.links.map((l) => l.code)).toEqual([link.code]);
		expect(await app.rows("links")).toEqual([link]);

		await expectError(await app.onApp("/api/go/zzzzzz"), 404, "not_found");
		// Not a code at all: refused before the store is asked.
		await expectError(await app.onApp("/api/go/..%2F..%2Fx"), 404, "not_found");
	});

	it("refuses what is not a full http(s) address: 400, JSON error, nothing written", async () => {
		const app = await fromStarter("link-shortener");
		const before = await rowCounts();
		const bad = [
			{ url: "javascript:alert(1)" },
			{ url: "ftp://example.com/file" },
			{ url: "example.com" },
			{ url: `https://example.com/${"x".repeat(2000)}` },
			{ url: 42 },
			{},
		];
		for (const body of bad) await expectError(await app.postJson("/api/links", body), 400, "invalid_url");
		await expectError(await app.postJson("/api/links", "nope"), 400, "invalid_json");
		expect(await rowCounts()).toEqual(before);
		expect(await app.rows("links")).toEqual([]);
	});
});
