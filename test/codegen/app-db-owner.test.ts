/**
 * The owner's download and reset of an app's SQL database
 * (/api/projects/:project/database): what comes out loads back into an empty
 * database whole, a reset empties it, and every refused request (no token,
 * another project's token, a bad id or format, no such project) is a JSON
 * error that reads and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { call, expectError, onOrigin, withServer } from "./helpers";
import { count, SQL_APP, sql } from "./sql-app";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** A project of SQL_APP with a table of awkward values: quotes, unicode, NULL, a float, a blob. */
async function filled() {
	const app = await withServer(SQL_APP);
	const setup = await sql(app.project, {
		op: "exec",
		sql: `CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT, score REAL, data BLOB);
CREATE INDEX notes_text ON notes (text);
CREATE TABLE "odd ""name""" (k TEXT PRIMARY KEY, v) WITHOUT ROWID;`,
	});
	expect(setup.body.error).toBeUndefined();
	const rows: unknown[][] = [
		['it\'s a "quote"; DROP TABLE notes; --', 1.5, { bytes: [0, 39, 255] }],
		["ünïcødé ✓ 🎉\nnew line", null, null],
		[null, -2, { bytes: [] }],
	];
	for (const params of rows) {
		await sql(app.project, { op: "run", sql: "INSERT INTO notes (text, score, data) VALUES (?, ?, ?)", params });
	}
	await sql(app.project, { op: "run", sql: `INSERT INTO "odd ""name""" VALUES ('a', 1), ('b', 'two')` });
	return app;
}

const ALL = "SELECT id, text, score, data, typeof(data) AS t FROM notes ORDER BY id";

describe("downloading the app's database", () => {
	it("gives the owner a SQL dump that loads back into an empty database whole", async () => {
		const app = await filled();
		const res = await call(`/api/projects/${app.project}/database`, { headers: auth(app.token) });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("application/sql");
		expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${app.project}.sql"`);
		expect(res.headers.get("cache-control")).toBe("no-store");
		const dump = await res.text();
		expect(dump.startsWith("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n")).toBe(true);
		expect(dump.endsWith("COMMIT;\n")).toBe(true);
		expect(dump).toContain("CREATE INDEX notes_text ON notes (text);");

		// Into another project's empty database (env.DB.exec runs it as one transaction itself).
		const copy = await withServer(SQL_APP);
		const body = dump.split("\n").slice(2, -2).join("\n");
		const loaded = await sql(copy.project, { op: "exec", sql: body });
		expect(loaded.body.error).toBeUndefined();
		const [a, b] = await Promise.all([
			sql(app.project, { op: "all", sql: ALL }),
			sql(copy.project, { op: "all", sql: ALL }),
		]);
		expect(b.body.out && (b.body.out as { results: unknown[] }).results).toEqual(
			(a.body.out as { results: unknown[] }).results,
		);
		expect((a.body.out as { results: unknown[] }).results).toHaveLength(3);
		const odd = await sql(copy.project, { op: "raw", sql: `SELECT k, v FROM "odd ""name""" ORDER BY k` });
		expect(odd.body.out).toEqual([
			["a", 1],
			["b", "two"],
		]);
	});

	it("streams a database larger than one page, in order, every row once", async () => {
		const app = await withServer(SQL_APP);
		await sql(app.project, { op: "exec", sql: "CREATE TABLE big (id INTEGER PRIMARY KEY, pad TEXT)" });
		// 2,400 rows of 1 KB: several pages of rows (500 a query, 512 KiB a page).
		const fill =
			"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2400) INSERT INTO big SELECT x, printf('%.1000c', 'x') FROM c";
		expect((await sql(app.project, { op: "run", sql: fill })).status).toBe(200);
		const res = await call(`/api/projects/${app.project}/database?format=json`, { headers: auth(app.token) });
		expect(res.headers.get("content-type")).toContain("application/x-ndjson");
		const lines = (await res.text())
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as { table?: string; row?: { id: number } });
		expect(lines[0]).toEqual({ table: "big", sql: "CREATE TABLE big (id INTEGER PRIMARY KEY, pad TEXT)" });
		const ids = lines.flatMap((l) => (l.row ? [l.row.id] : []));
		expect(ids).toEqual(Array.from({ length: 2400 }, (_, i) => i + 1));
	});

	it("gives JSON Lines with blobs as base64", async () => {
		const app = await filled();
		const res = await call(`/api/projects/${app.project}/database?format=json`, { headers: auth(app.token) });
		expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${app.project}.jsonl"`);
		const lines = (await res.text())
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(lines).toContainEqual({
			table: "notes",
			row: { id: 1, text: 'it\'s a "quote"; DROP TABLE notes; --', score: 1.5, data: { $base64: "ACf/" } },
		});
		expect(lines).toContainEqual({ table: 'odd "name"', row: { k: "b", v: "two" } });
		expect(lines.at(-1)).toEqual({ sql: "CREATE INDEX notes_text ON notes (text)" });
	});

	it("gives an empty database as an empty dump", async () => {
		const app = await withServer(SQL_APP);
		const res = await call(`/api/projects/${app.project}/database`, { headers: auth(app.token) });
		expect(await res.text()).toBe("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCOMMIT;\n");
	});
});

describe("resetting the app's database", () => {
	it("empties it for the owner: tables, indexes and rows; the app starts again from nothing", async () => {
		const app = await filled();
		const res = await call(`/api/projects/${app.project}/database/reset`, { method: "POST", headers: auth(app.token) });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ reset: true });
		const gone = await sql(app.project, {
			op: "all",
			sql: "SELECT name FROM sqlite_master WHERE name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
		});
		expect((gone.body.out as { results: unknown[] }).results).toEqual([]);
		// The app's CREATE TABLE IF NOT EXISTS makes it again.
		await sql(app.project, { op: "exec", sql: "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)" });
		expect(await count(app.project, "notes")).toBe(0);
	});
});

describe("the document store, in the same database", () => {
	it("is in the owner's download (the _kiln_documents table) and goes with a reset", async () => {
		const app = await filled();
		const doc = (method: string) =>
			onOrigin(app.project, "/_kiln/data/guests/ada", {
				method,
				...(method === "PUT"
					? { body: '{"note":"in the download"}', headers: { "content-type": "application/json" } }
					: {}),
			});
		expect((await doc("PUT")).status).toBe(200);
		const dump = await (await call(`/api/projects/${app.project}/database`, { headers: auth(app.token) })).text();
		expect(dump).toContain("CREATE TABLE _kiln_documents");
		expect(dump).toMatch(
			/INSERT INTO "_kiln_documents" \("collection", "key", "value", "updated_at"\) VALUES\s*\('guests', ?'ada', ?'\{"note":"in the download"\}'/,
		);
		const reset = await call(`/api/projects/${app.project}/database/reset`, {
			method: "POST",
			headers: auth(app.token),
		});
		expect(reset.status).toBe(200);
		expect((await doc("GET")).status).toBe(404);
		expect(await (await onOrigin(app.project, "/_kiln/data/guests")).json()).toEqual({ documents: [], next: null });
	});
});

describe("refused: JSON error, nothing read or changed", () => {
	it("refuses without the token, with another project's token, for a bad id, an unknown project or format", async () => {
		const app = await filled();
		const other = await withServer(SQL_APP);
		const p = app.project;
		const cases: [string, RequestInit, number, string][] = [
			[`/api/projects/${p}/database`, {}, 401, "edit_token_required"],
			[`/api/projects/${p}/database/reset`, { method: "POST" }, 401, "edit_token_required"],
			[`/api/projects/${p}/database`, { headers: { authorization: "Basic abc" } }, 401, "edit_token_required"],
			[`/api/projects/${p}/database`, { headers: auth(other.token) }, 403, "invalid_edit_token"],
			[`/api/projects/${p}/database/reset`, { method: "POST", headers: auth(other.token) }, 403, "invalid_edit_token"],
			[`/api/projects/${p}/database/reset`, { method: "POST", headers: auth("kiln_wrong") }, 403, "invalid_edit_token"],
			[`/api/projects/NOPE!/database/reset`, { method: "POST", headers: auth(app.token) }, 400, "invalid_project_id"],
			[
				`/api/projects/zzzzzzzzzz/database/reset`,
				{ method: "POST", headers: auth(app.token) },
				404,
				"project_not_found",
			],
			[`/api/projects/${p}/database?format=xml`, { headers: auth(app.token) }, 400, "invalid_format"],
		];
		for (const [path, init, status, code] of cases) {
			const res = await call(path, init);
			if (status === 401) expect(res.headers.get("www-authenticate")).toContain("Bearer");
			await expectError(res, status, code);
		}
		// Nothing changed: the rows are all there, and the other project's token reset nothing of its own either.
		expect(await count(p, "notes")).toBe(3);
		expect(await count(p, '"odd ""name"""')).toBe(2);
	});

	it("is not reachable from the app's own origin, where /api/ is the app's", async () => {
		const app = await filled();
		const res = await call(`/api/projects/${app.project}/database/reset`, {
			method: "POST",
			headers: auth(app.token),
			base: `http://${app.project}.localhost:8787`,
		});
		// The app's own server answered (it expects JSON, so it fails), not Kiln's reset.
		await expectError(res, 500, "app_error");
		expect(await count(app.project, "notes")).toBe(3);
	});
});
