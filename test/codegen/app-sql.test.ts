import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dbLimits, FIXED_DB_LIMITS } from "../../workers/codegen/app-db/limits";
import { systemPrompt } from "../../workers/codegen/llm/prompt";
import { SUPPLIED_MODULES, suppliedRevision } from "../../workers/codegen/sandbox/modules";
import { sandboxId } from "../../workers/codegen/sandbox/run";
import { call, expectError, onOrigin, withServer } from "./helpers";
import { type Answer, count, SQL_APP, type Sql, sql } from "./sql-app";

const TEN_MILLION = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000) SELECT x FROM c";

describe("env.DB: the D1-shaped API on the project's own database", () => {
	it("runs exec, run, all, first and raw with D1's result shapes", async () => {
		const { project } = await withServer(SQL_APP);
		const made = await sql(project, {
			op: "exec",
			sql: "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL, done INTEGER);\nCREATE INDEX IF NOT EXISTS notes_text ON notes (text);",
		});
		expect(made.body.out).toMatchObject({ count: 2 });

		const ins = await sql(project, {
			op: "run",
			sql: "INSERT INTO notes (text, done) VALUES (?, ?)",
			params: ["milk", true],
		});
		expect(ins.status).toBe(200);
		expect(ins.body.out).toMatchObject({
			success: true,
			results: [],
			meta: { changes: 1, last_row_id: 1, changed_db: true },
		});
		await sql(project, { op: "run", sql: "INSERT INTO notes (text, done) VALUES (?1, ?2)", params: ["eggs", false] });

		const all = await sql(project, { op: "all", sql: "SELECT id, text, done FROM notes ORDER BY id" });
		expect(all.body.out).toMatchObject({
			success: true,
			results: [
				{ id: 1, text: "milk", done: 1 },
				{ id: 2, text: "eggs", done: 0 },
			],
			meta: { changes: 0, changed_db: false },
		});
		expect((all.body.out as { meta: { rows_read: number } }).meta.rows_read).toBeGreaterThan(0);

		const first = await sql(project, { op: "first", sql: "SELECT * FROM notes WHERE text = ?", params: ["eggs"] });
		expect(first.body.out).toEqual({ id: 2, text: "eggs", done: 0 });
		const col = await sql(project, {
			op: "first",
			sql: "SELECT text FROM notes WHERE id = ?",
			params: [1],
			column: "text",
		});
		expect(col.body.out).toBe("milk");
		const none = await sql(project, { op: "first", sql: "SELECT * FROM notes WHERE id = 99" });
		expect(none.body.out).toBeNull();
		const badCol = await sql(project, { op: "first", sql: "SELECT text FROM notes", column: "nope" });
		expect(badCol.body.error?.message).toMatch(/D1_COLUMN_NOTFOUND/);

		const raw = await sql(project, { op: "raw", sql: "SELECT id, text FROM notes ORDER BY id" });
		expect(raw.body.out).toEqual([
			[1, "milk"],
			[2, "eggs"],
		]);
		const named = await sql(project, {
			op: "raw",
			sql: "SELECT id FROM notes ORDER BY id",
			options: { columnNames: true },
		});
		expect(named.body.out).toEqual([["id"], [1], [2]]);

		// Bytes go in as a blob and come back as an array of bytes, as D1 gives them.
		await sql(project, { op: "exec", sql: "CREATE TABLE files (b BLOB)" });
		await sql(project, { op: "run", sql: "INSERT INTO files VALUES (?)", params: [{ bytes: [0, 1, 255] }] });
		const blob = await sql(project, { op: "first", sql: "SELECT b, typeof(b) AS t FROM files" });
		expect(blob.body.out).toEqual({ b: [0, 1, 255], t: "blob" });
	});

	it("answers SQLite's errors as sql_error and refuses what the runtime does not allow, writing nothing", async () => {
		const { project } = await withServer(SQL_APP);
		await sql(project, { op: "exec", sql: "CREATE TABLE t (k TEXT PRIMARY KEY)" });
		const cases: [Sql, string, RegExp][] = [
			[{ op: "run", sql: "INSERT INTO t VALUES (" }, "sql_error", /syntax|incomplete/i],
			[{ op: "all", sql: "SELECT * FROM missing" }, "sql_error", /no such table/],
			[{ op: "run", sql: "BEGIN TRANSACTION" }, "sql_error", /./],
			[{ op: "run", sql: "ATTACH DATABASE 'other.sqlite' AS other" }, "sql_error", /./],
			[
				{ op: "run", sql: `INSERT INTO t VALUES (${"?,".repeat(100)}?)`, params: Array(101).fill("x") },
				"too_many_params",
				/100/,
			],
			[{ op: "run", sql: `INSERT INTO t VALUES ('${"x".repeat(100_001)}')` }, "statement_too_long", /100000/],
			[{ op: "run", sql: "   " }, "invalid_statement", /SQL/],
		];
		for (const [q, code, message] of cases) {
			const { status, body } = await sql(project, q);
			expect(status, JSON.stringify(q).slice(0, 80)).toBe(400);
			expect(body.error?.code, body.error?.message).toBe(code);
			expect(body.error?.message).toMatch(message);
			expect(body.error?.message.startsWith(`${code}: `)).toBe(true);
		}
		expect(await count(project, "t")).toBe(0);
	});

	it("keeps the document store's table (_kiln_documents) out of the app's SQL, however it is named", async () => {
		const { project } = await withServer(SQL_APP);
		const doc = (method: string, body?: string) =>
			onOrigin(project, "/_kiln/data/notes/k", {
				method,
				...(body ? { body, headers: { "content-type": "application/json" } } : {}),
			});
		expect((await doc("PUT", '"kept"')).status).toBe(200);
		const cases: Sql[] = [
			{ op: "all", sql: "SELECT * FROM _kiln_documents" },
			{ op: "run", sql: 'DROP TABLE "_KILN_DOCUMENTS"' },
			{ op: "run", sql: "INSERT INTO [_kiln_documents] VALUES ('notes', 'k2', 'not json', 0)" },
			{ op: "run", sql: "UPDATE `_Kiln_Documents` SET value = 'not json'" },
			{ op: "exec", sql: "CREATE TABLE t (v); ALTER TABLE t RENAME TO _kiln_documents2" },
			{ op: "batch", statements: [{ sql: "CREATE TABLE u (v)" }, { sql: "DELETE FROM _kiln_documents" }] },
		];
		for (const q of cases) {
			const { status, body } = await sql(project, q);
			expect(status, JSON.stringify(q)).toBe(400);
			expect(body.error?.code).toBe("reserved_name");
			expect(body.error?.message).toMatch(/env\.db/);
		}
		// Nothing of those ran: the document is as it was, and neither t nor u exists.
		expect(await (await doc("GET")).json()).toMatchObject({ key: "k", value: "kept" });
		const tables = await sql(project, {
			op: "all",
			sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
		});
		expect(tables.body.out).toMatchObject({ results: [{ name: "_kiln_documents" }] });
	});

	it("makes a batch atomic: one failing statement undoes the others", async () => {
		const { project } = await withServer(SQL_APP);
		await sql(project, { op: "exec", sql: "CREATE TABLE acct (name TEXT PRIMARY KEY, cents INTEGER NOT NULL)" });
		const ok = await sql(project, {
			op: "batch",
			statements: [
				{ sql: "INSERT INTO acct VALUES (?, ?)", params: ["a", 100] },
				{ sql: "INSERT INTO acct VALUES (?, ?)", params: ["b", 0] },
				{ sql: "SELECT sum(cents) AS total FROM acct" },
			],
		});
		expect((ok.body.out as { results: unknown[] }[]).map((r) => r.results)).toEqual([[], [], [{ total: 100 }]]);

		const failed = await sql(project, {
			op: "batch",
			statements: [
				{ sql: "UPDATE acct SET cents = cents - 50 WHERE name = 'a'" },
				{ sql: "INSERT INTO acct VALUES ('c', 1)" },
				{ sql: "INSERT INTO acct VALUES ('a', 0)" }, // primary key taken: the batch fails
			],
		});
		expect(failed.status).toBe(400);
		expect(failed.body.error?.code).toBe("sql_error");
		expect(failed.body.error?.message).toMatch(/UNIQUE constraint failed/);
		const after = await sql(project, { op: "all", sql: "SELECT name, cents FROM acct ORDER BY name" });
		expect((after.body.out as { results: unknown }).results).toEqual([
			{ name: "a", cents: 100 },
			{ name: "b", cents: 0 },
		]);
	});

	it("is shared by every version of the project; a remix starts empty", async () => {
		const v1 = await withServer(SQL_APP);
		await sql(v1.project, { op: "exec", sql: "CREATE TABLE IF NOT EXISTS seen (v INTEGER)" });
		await sql(v1.project, { op: "run", sql: "INSERT INTO seen VALUES (1)" });
		const v2 = await withServer(`${SQL_APP}\n// v2`, { project: v1.project, token: v1.token });
		expect(v2.version).toBe(2);
		await sql(v1.project, { op: "run", sql: "INSERT INTO seen VALUES (2)" });
		// Pinned v1 reads what the latest (v2) wrote.
		const pinned = await onOrigin(v1.project, "/v/1/api/sql", {
			method: "POST",
			body: JSON.stringify({ op: "raw", sql: "SELECT v FROM seen ORDER BY v" }),
		});
		expect(((await pinned.json()) as Answer).out).toEqual([[1], [2]]);

		const remix = await call(`/api/projects/${v1.project}/remix`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(remix.status).toBe(201);
		const { project: copy } = (await remix.json()) as { project: string };
		const { body } = await sql(copy, { op: "all", sql: "SELECT * FROM seen" });
		expect(body.error?.message).toMatch(/no such table: seen/);
	});
});

describe("what the system prompt teaches", () => {
	it("has an example server that runs as written against env.DB", async () => {
		const example = /```js server\.js\n([\s\S]*?)\n```/.exec(systemPrompt({ servers: true }))?.[1];
		expect(example).toContain("c.env.DB");
		const { project } = await withServer(example as string);
		const post = (name: unknown) =>
			onOrigin(project, "/api/items", {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ name }),
			});
		expect(await (await post("first")).json()).toEqual({ id: 1 });
		expect(await (await post("second")).json()).toEqual({ id: 2 });
		expect((await post("  ")).status).toBe(400);
		expect(await (await onOrigin(project, "/api/items")).json()).toEqual([
			{ id: 2, name: "second" },
			{ id: 1, name: "first" },
		]);
	});
});

describe("quotas", () => {
	it("fails a ten-million-row SELECT with a JSON error at the row quota, and the app keeps working", async () => {
		const { project } = await withServer(SQL_APP);
		const { status, body } = await sql(project, { op: "all", sql: TEN_MILLION });
		expect(status).toBe(400);
		expect(body.error?.code).toBe("result_too_large");
		expect(body.error?.message).toContain(`${FIXED_DB_LIMITS.maxResultRows} rows`);
		// An app that does not catch it fails that request alone, as JSON.
		await expectError(
			await onOrigin(project, "/api/sql", {
				method: "POST",
				body: JSON.stringify({ op: "all", sql: TEN_MILLION, throw: true }),
			}),
			500,
			"app_error",
		);
		// Under the quota, the same query answers.
		const small = await sql(project, { op: "raw", sql: TEN_MILLION.replace("10000000", "3") });
		expect(small.body.out).toEqual([[1], [2], [3]]);
	});

	it("fails a result over the byte quota, counted across a batch", async () => {
		const { project } = await withServer(SQL_APP);
		// Three rows of 2 MB of text each: 6 MB, over the 4 MiB a call may return.
		const big =
			"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3) SELECT hex(zeroblob(1000000)) FROM c";
		const one = await sql(project, { op: "all", sql: big });
		expect(one.body.error?.code).toBe("result_too_large");
		expect(one.body.error?.message).toContain(`${FIXED_DB_LIMITS.maxResultBytes} bytes`);
		// One such row is under the quota; three in one batch are not.
		const oneRow = big.replace("LIMIT 3", "LIMIT 1");
		const batch = await sql(project, { op: "batch", statements: [{ sql: oneRow }, { sql: oneRow }, { sql: oneRow }] });
		expect(batch.body.error?.code).toBe("result_too_large");
		const fits = await sql(project, {
			op: "first",
			sql: `SELECT length(x) AS n FROM (${oneRow.replace("SELECT hex", "SELECT x, hex")})`,
			column: "n",
		});
		expect(fits.body.out).toBe(1);
	});

	it("refuses a write that grows the database past APP_DB_MAX_BYTES, writing nothing; deletes still work", async () => {
		const { project } = await withServer(SQL_APP);
		const small = { APP_DB_MAX_BYTES: String(256 * 1024) };
		await sql(project, { op: "exec", sql: "CREATE TABLE blobs (b BLOB)" }, small);
		expect((await sql(project, { op: "run", sql: "INSERT INTO blobs VALUES (zeroblob(100000))" }, small)).status).toBe(
			200,
		);
		const full = await sql(project, { op: "run", sql: "INSERT INTO blobs VALUES (zeroblob(300000))" }, small);
		expect(full.status).toBe(400);
		expect(full.body.error?.code).toBe("database_full");
		expect(full.body.error?.message).toContain(`${256 * 1024} bytes`);
		expect(await count(project, "blobs")).toBe(1);
		// The default quota (100 MiB) lets the same write through: the setting is what refused it.
		expect((await sql(project, { op: "run", sql: "INSERT INTO blobs VALUES (zeroblob(300000))" })).status).toBe(200);
		const del = await sql(project, { op: "run", sql: "DELETE FROM blobs" }, small);
		expect(del.status).toBe(200);
		expect(await count(project, "blobs")).toBe(0);
	});

	it("reads the size setting, falling back to 100 MiB for a missing or bad value", () => {
		expect(dbLimits(undefined).maxDatabaseBytes).toBe(100 * 1024 * 1024);
		expect(dbLimits("5000000").maxDatabaseBytes).toBe(5_000_000);
		for (const bad of ["", "abc", "-1", "1.5", "1000", "1e12"]) {
			expect(dbLimits(bad).maxDatabaseBytes, bad).toBe(100 * 1024 * 1024);
		}
	});
});

describe("isolation", () => {
	it("cannot read another project's database by any name, id or argument", async () => {
		const a = await withServer(SQL_APP);
		await sql(a.project, { op: "exec", sql: "CREATE TABLE secret (v TEXT); INSERT INTO secret VALUES ('a-only')" });

		const b = await withServer(`export default {
	async fetch(request, env) {
		const target = ${JSON.stringify(a.project)};
		const tries = {};
		const attempt = async (name, f) => {
			try { tries[name] = await f(); } catch (err) { tries[name] = "refused: " + err.message; }
		};
		await attempt("table", () => env.DB.prepare("SELECT v FROM secret").all());
		await attempt("schema", () => env.DB.prepare("SELECT name FROM sqlite_master WHERE name = 'secret'").all());
		await attempt("attach", () => env.DB.exec("ATTACH DATABASE '" + target + "' AS other"));
		await attempt("qualified", () => env.DB.prepare("SELECT v FROM " + JSON.stringify(target) + ".secret").all());
		await attempt("idFromName", () => env.DB.idFromName(target));
		await attempt("get", () => env.DB.get(target));
		await attempt("namespace", () => Object.keys(env).concat(Object.getOwnPropertyNames(env.DB)));
		return Response.json(tries);
	},
};`);
		const tries = (await (await onOrigin(b.project, "/api/x")).json()) as Record<string, unknown>;
		expect(JSON.stringify(tries)).not.toContain("a-only");
		expect(tries.table).toMatch(/^refused: sql_error: no such table: secret/);
		expect(tries.schema).toMatchObject({ results: [] });
		expect(tries.attach).toMatch(/^refused: sql_error/);
		expect(tries.qualified).toMatch(/^refused: sql_error/);
		expect(tries.idFromName).toMatch(/^refused: .*not a function/);
		expect(tries.get).toMatch(/^refused: .*not a function/);
		expect(tries.namespace).toEqual(["DB", "db"]);

		// Kiln's entrypoint takes the project from its props alone: an extra argument naming
		// another project is ignored, so B's stub reads B's database whatever it is passed.
		const stub = (
			exports as unknown as { AppSql: (o: { props: unknown }) => { query: (...a: unknown[]) => Promise<unknown> } }
		).AppSql({ props: { project: b.project, limits: dbLimits(undefined) } });
		const viaB = await stub.query([{ sql: "SELECT v FROM secret", params: [] }], { project: a.project }, a.project);
		expect(viaB).toMatchObject({ error: { code: "sql_error" } });
		// A's own stub does read it: the data is there, only not for B.
		const viaA = await (
			exports as unknown as { AppSql: (o: { props: unknown }) => { query: (s: unknown) => Promise<unknown> } }
		)
			.AppSql({ props: { project: a.project, limits: dbLimits(undefined) } })
			.query([{ sql: "SELECT v FROM secret", params: [] }]);
		expect(viaA).toMatchObject({ results: [{ rows: [["a-only"]] }] });
		// The namespace is Kiln's binding alone; the sandbox's env never held it.
		expect(env.APP_DB).toBeDefined();
	});
});

describe("the loader id", () => {
	it("changes when what Kiln supplies changes: a module, or a quota baked into the env", async () => {
		const v = { project: "idapp", number: 1, server: "", contentHash: "b".repeat(64) };
		const base = await sandboxId(v, dbLimits(undefined));
		expect(await sandboxId(v, dbLimits(undefined))).toBe(base);
		expect(await sandboxId(v, dbLimits("5000000"))).not.toBe(base);
		const settings = JSON.stringify(dbLimits(undefined));
		const same = await suppliedRevision(settings, { ...SUPPLIED_MODULES });
		expect(base.endsWith(`/${same}/s0`)).toBe(true);
		const changed = await suppliedRevision(settings, {
			...SUPPLIED_MODULES,
			D1_MODULE: `${SUPPLIED_MODULES.D1_MODULE}\n`,
		});
		expect(changed).not.toBe(same);
	});
});
