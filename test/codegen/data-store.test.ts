import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENTS_PER_PROJECT, MAX_LIST_BYTES } from "../../src/shared/api";
import { appDatabase } from "../../workers/codegen/app-db/object";
import { call, callWithEnv, d1With, documentCount, expectError, newProject, origin, rowCounts } from "./helpers";

// The generated apps' JSON document store, reached from the app's own origin
// (<project>.localhost here), with its limits.

let project: string;
let base: string;

beforeAll(async () => {
	({ project } = await newProject("a guest book"));
	base = `http://${project}.localhost:8787`;
});

const put = (path: string, body: string, b = base) =>
	call(`/_kiln/data/${path}`, { base: b, method: "PUT", body, headers: { "content-type": "application/json" } });
const get = (path: string, b = base) => call(`/_kiln/data/${path}`, { base: b });

describe("documents", () => {
	it("put, get, list and delete, as JSON, kept across requests (visitors)", async () => {
		expect((await put("entries/k1", JSON.stringify({ name: "Ada", note: "hi" }))).status).toBe(200);
		expect((await put("entries/k2", JSON.stringify(["any", 1, true, null]))).status).toBe(200);
		expect((await put("entries/k0", "42")).status).toBe(200);
		const one = await (await get("entries/k1")).json<{ key: string; value: unknown; updatedAt: number }>();
		expect(one).toMatchObject({ key: "k1", value: { name: "Ada", note: "hi" } });
		expect(typeof one.updatedAt).toBe("number");
		const list = await (await get("entries")).json<{
			documents: { key: string; value: unknown }[];
			next: string | null;
		}>();
		expect(list.documents.map((d) => [d.key, d.value])).toEqual([
			["k0", 42],
			["k1", { name: "Ada", note: "hi" }],
			["k2", ["any", 1, true, null]],
		]);
		expect(list.next).toBeNull();
		// Replace.
		await put("entries/k1", JSON.stringify({ name: "Ada", note: "changed" }));
		expect((await (await get("entries/k1")).json<{ value: { note: string } }>()).value.note).toBe("changed");
		// Delete.
		expect((await call("/_kiln/data/entries/k2", { base, method: "DELETE" })).status).toBe(204);
		await expectError(await get("entries/k2"), 404, "document_not_found");
		await expectError(await call("/_kiln/data/entries/k2", { base, method: "DELETE" }), 404, "document_not_found");
		expect((await (await get("empty-collection")).json<{ documents: unknown[] }>()).documents).toEqual([]);
	});

	it("pages a long list with limit and next", async () => {
		for (let i = 0; i < 5; i++) await put(`pages/p${i}`, String(i));
		const first = await (await get("pages?limit=2")).json<{ documents: { key: string }[]; next: string }>();
		expect(first.documents.map((d) => d.key)).toEqual(["p0", "p1"]);
		const second = await (await get(`pages?limit=2&after=${first.next}`)).json<{
			documents: { key: string }[];
			next: string | null;
		}>();
		expect(second.documents.map((d) => d.key)).toEqual(["p2", "p3"]);
		// The last page says so, also when it is exactly full.
		const third = await (await get(`pages?limit=2&after=${second.next}`)).json<{
			documents: { key: string }[];
			next: string | null;
		}>();
		expect(third).toMatchObject({ documents: [{ key: "p4" }], next: null });
		expect((await (await get("pages?limit=5")).json<{ next: string | null }>()).next).toBeNull();
		for (const bad of ["0", "-1", "abc", "1001", "1e3"])
			await expectError(await get(`pages?limit=${bad}`), 400, "invalid_limit");
	});

	it("stops a page once its values reach MAX_LIST_BYTES, with next set, and pages on to every document once", async () => {
		const { project: p } = await newProject("a photo wall");
		const b = `http://${p}.localhost:8787`;
		const big = (i: number) => JSON.stringify(`${i}`.padEnd(60_000, "x"));
		const keys = Array.from({ length: 40 }, (_, i) => `d${String(i).padStart(2, "0")}`);
		for (const [i, k] of keys.entries()) expect((await put(`wall/${k}`, big(i), b)).status).toBe(200);

		const seen: string[] = [];
		let after: string | null = null;
		let pages = 0;
		do {
			const page: { documents: { key: string; value: string }[]; next: string | null } = await (
				await get(`wall?limit=1000${after ? `&after=${after}` : ""}`, b)
			).json();
			pages++;
			const bytes = page.documents.map((d) => JSON.stringify(d.value).length);
			// Under the budget until its last document, which may cross it.
			expect(bytes.slice(0, -1).reduce((x, y) => x + y, 0)).toBeLessThan(MAX_LIST_BYTES);
			if (page.next !== null) {
				expect(bytes.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(MAX_LIST_BYTES);
				expect(page.next).toBe(page.documents.at(-1)?.key);
			}
			seen.push(...page.documents.map((d) => d.key));
			after = page.next;
		} while (after !== null);
		expect(pages).toBe(3);
		expect(seen).toEqual(keys);
	});

	it("keeps each project's data apart", async () => {
		const other = await newProject("another app");
		const otherBase = `http://${other.project}.localhost:8787`;
		await put("secrets/s", JSON.stringify("mine"));
		await expectError(await get("secrets/s", otherBase), 404, "document_not_found");
		expect((await (await get("secrets", otherBase)).json<{ documents: unknown[] }>()).documents).toEqual([]);
	});

	it("is also at /api/projects/:project/data, with CORS only where apps run sandboxed", async () => {
		await put("shared/x", JSON.stringify({ v: 1 }));
		// Sandboxed apps (no project origin: kiln.test) have an opaque origin, so they need CORS.
		const sandboxed = await call(`/api/projects/${project}/data/shared/x`, { headers: { origin: "null" } });
		expect(sandboxed.status).toBe(200);
		expect(sandboxed.headers.get("access-control-allow-origin")).toBe("*");
		const preflight = await call(`/api/projects/${project}/data/shared/x`, { method: "OPTIONS" });
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");
		expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
		expect(preflight.headers.get("access-control-max-age")).toBe("86400");
		// With project origins (localhost), other origins get no CORS access.
		const withOrigins = await call(`/api/projects/${project}/data/shared/x`, { base: "http://localhost:8787" });
		expect(withOrigins.status).toBe(200);
		expect(withOrigins.headers.get("access-control-allow-origin")).toBeNull();
		await expectError(await call("/api/projects/nosuchproj/data/shared/x"), 404, "document_not_found");
	});
});

describe("the store in the project's own database", () => {
	it("counts against the database's size quota (409 database_full, nothing written); replacing with less still works", async () => {
		const { project: p } = await newProject("an app near its quota");
		const send = (key: string, value: unknown) =>
			callWithEnv({ APP_DB_MAX_BYTES: String(128 * 1024) }, `/api/projects/${p}/data/photos/${key}`, {
				method: "PUT",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(value),
			});
		const photo = "x".repeat(60_000);
		let refusal: Response | null = null;
		const kept: string[] = [];
		for (let i = 0; i < 5 && !refusal; i++) {
			const res = await send(`p${i}`, photo);
			if (res.status === 200) kept.push(`p${i}`);
			else refusal = res;
		}
		expect(kept.length).toBeGreaterThan(0);
		expect(refusal).not.toBeNull();
		await expectError(refusal as Response, 409, "database_full");
		const list = (await (await get("photos?limit=1000", origin(p))).json()) as { documents: { key: string }[] };
		expect(list.documents.map((d) => d.key)).toEqual(kept);
		expect(await documentCount(p)).toBe(kept.length);
		expect((await send(kept[0], "small now")).status).toBe(200);
	});

	it("is a remix's own: it starts empty", async () => {
		const { project: p } = await newProject("an app to remix");
		expect((await put("notes/a", '"the original\'s"', origin(p))).status).toBe(200);
		const remixed = await call(`/api/projects/${p}/remix`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(remixed.status).toBe(201);
		const { project: copy } = (await remixed.json()) as { project: string };
		expect(await (await get("notes", origin(copy))).json()).toEqual({ documents: [], next: null });
		expect(await (await get("notes", origin(p))).json()).toMatchObject({ documents: [{ key: "a" }] });
	});
});

describe("bad documents and keys are refused, and nothing is written", () => {
	async function refused(send: () => Promise<Response>, status: number, code: string, p = project) {
		const before = { rows: await rowCounts(), documents: await documentCount(p) };
		await expectError(await send(), status, code);
		expect({ rows: await rowCounts(), documents: await documentCount(p) }).toEqual(before);
	}

	it("a document over 64 KiB (and one of exactly 64 KiB is taken)", async () => {
		const exact = JSON.stringify("a".repeat(MAX_DOCUMENT_BYTES - 2));
		expect(new TextEncoder().encode(exact).byteLength).toBe(MAX_DOCUMENT_BYTES);
		await refused(() => put("big/one", JSON.stringify("a".repeat(MAX_DOCUMENT_BYTES - 1))), 413, "document_too_large");
		// Multi-byte characters count as bytes, not characters.
		await refused(() => put("big/two", JSON.stringify("é".repeat(40_000))), 413, "document_too_large");
		expect((await put("big/exact", exact)).status).toBe(200);
		// The limit is on the document as stored: an indented body larger on the wire is taken, kept compact.
		const rows = Array.from({ length: 800 }, (_, i) => ({ n: i, name: `guest ${i}`, note: "x".repeat(20) }));
		const indented = JSON.stringify(rows, null, 8);
		expect(new TextEncoder().encode(indented).byteLength).toBeGreaterThan(MAX_DOCUMENT_BYTES);
		expect(new TextEncoder().encode(JSON.stringify(rows)).byteLength).toBeLessThan(MAX_DOCUMENT_BYTES);
		expect((await put("big/indented", indented)).status).toBe(200);
		expect((await (await get("big/indented")).json<{ value: unknown }>()).value).toEqual(rows);
		// Past the body limit (1 MiB) it is still this document error.
		await refused(() => put("big/huge", JSON.stringify("a".repeat(1_100_000))), 413, "document_too_large");
	});

	it("a document that is not JSON", async () => {
		await refused(() => put("bad/json", "{nope"), 400, "invalid_json");
		await refused(() => put("bad/json", ""), 400, "invalid_json");
		await refused(() => put("bad/json", "undefined"), 400, "invalid_json");
	});

	it("malformed keys and collection names", async () => {
		for (const key of [".hidden", "a%20b", "a%2Fb", "k".repeat(129), "%C3%A9", "a*b"]) {
			await refused(() => put(`good/${key}`, "1"), 400, "invalid_key");
		}
		for (const collection of ["-dash", "c".repeat(65), "a.b", "sp%20ace"]) {
			await refused(() => put(`${collection}/key`, "1"), 400, "invalid_collection");
		}
		await refused(() => get("good?after=.bad"), 400, "invalid_key");
	});

	it("a document for a project that does not exist", async () => {
		await refused(() => put("x/y", "1", "http://nosuchproj7.localhost:8787"), 404, "project_not_found", "nosuchproj7");
	});

	it(`more than ${MAX_DOCUMENTS_PER_PROJECT} documents in a project (replacing one still works)`, async () => {
		const { project: full } = await newProject("a full app");
		const b = `http://${full}.localhost:8787`;
		// Fill to one below the limit directly (the limit is what is under test, not 9,999 PUTs): one PUT
		// makes the store's table, the rest go straight into the project's database.
		expect((await put("items/k00000", "null", b)).status).toBe(200);
		await runInDurableObject(appDatabase(env.APP_DB, full), (_o, state) => {
			state.storage.sql.exec(
				`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_DOCUMENTS_PER_PROJECT - 2})
				 INSERT INTO _kiln_documents (collection, key, value, updated_at) SELECT 'items', printf('k%05d', i), 'null', 0 FROM n`,
			);
		});
		expect(await documentCount(full)).toBe(MAX_DOCUMENTS_PER_PROJECT - 1);
		expect((await put("items/last", "1", b)).status).toBe(200);
		expect(await documentCount(full)).toBe(MAX_DOCUMENTS_PER_PROJECT);
		await refused(() => put("items/one-too-many", "1", b), 409, "too_many_documents", full);
		await refused(() => put("other/one-too-many", "1", b), 409, "too_many_documents", full);
		expect((await put("items/k00001", '"replaced"', b)).status).toBe(200);
	});

	it("too many requests from one client (429 with Retry-After)", async () => {
		const headers = { "cf-connecting-ip": "198.51.100.9" };
		const send = () =>
			callWithEnv({ DATA_LIMITER: env.TIGHT_LIMITER }, `/api/projects/${project}/data/limited`, { headers });
		for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
		const limited = await send();
		expect(limited.headers.get("retry-after")).toBe("60");
		await expectError(limited, 429, "rate_limited");
	});
});

describe("a database failure", () => {
	it("is a JSON 500, and the log names the cause without the document or the query's values", async () => {
		// D1 refuses every statement; Drizzle wraps that in an error whose message holds the SQL and its parameters.
		const failing = d1With({
			prepare: () => {
				const stmt = {
					bind: () => stmt,
					run: () => Promise.reject(new Error("D1_ERROR: disk full")),
					all: () => Promise.reject(new Error("D1_ERROR: disk full")),
					raw: () => Promise.reject(new Error("D1_ERROR: disk full")),
					first: () => Promise.reject(new Error("D1_ERROR: disk full")),
				};
				return stmt as unknown as D1PreparedStatement;
			},
		});
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		const res = await callWithEnv({ DB: failing }, `/api/projects/${project}/data/diary/today`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ entry: "my very private diary entry" }),
		});
		const lines = logged.mock.calls.map((c) => c.join(" ")).join("\n");
		logged.mockRestore();
		await expectError(res, 500, "internal_error");
		expect(lines).toContain("D1_ERROR: disk full");
		expect(lines).not.toContain("private diary");
		expect(lines).not.toContain("params");
		expect(lines).not.toMatch(/insert into/i);
	});

	it("of the project's own database is a JSON 500 too, logged without the document", async () => {
		// Every call on the project's object fails, as a full disk would make it.
		const broken = {
			idFromName: (name: string) => env.APP_DB.idFromName(name),
			get: () => new Proxy({}, { get: () => () => Promise.reject(new Error("SQLITE_FULL: database or disk is full")) }),
		};
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		const before = await documentCount(project);
		const res = await callWithEnv({ APP_DB: broken }, `/api/projects/${project}/data/diary/today`, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ entry: "my very private diary entry" }),
		});
		const read = await callWithEnv({ APP_DB: broken }, `/api/projects/${project}/data/diary`);
		const lines = logged.mock.calls.map((c) => c.join(" ")).join("\n");
		logged.mockRestore();
		await expectError(res, 500, "internal_error");
		await expectError(read, 500, "internal_error");
		expect(lines).toContain("SQLITE_FULL");
		expect(lines).not.toContain("private diary");
		expect(await documentCount(project)).toBe(before);
	});
});
