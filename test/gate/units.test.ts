// The gate's pure parts, without git or workerd: splitting SQL the way D1
// sees it, exception annotations, the static rules, CHECK extraction.
import { describe, expect, it } from "vitest";
import { lostWorkerd } from "../../src/gate/gate";
import { affinity, extractChecks } from "../../src/gate/introspect";
import { parseAllows, parseMigration } from "../../src/gate/migration-files";
import { splitStatements } from "../../src/gate/sql-split";
import { staticChecks } from "../../src/gate/static-checks";

describe("splitStatements", () => {
	it("splits on drizzle-kit breakpoints and on semicolons, with 1-based lines", () => {
		const s = splitStatements(
			"CREATE TABLE a (x int);--> statement-breakpoint\nCREATE INDEX i ON a (x);\n\nDROP TABLE b;",
		);
		expect(s.map((x) => [x.index, x.line, x.sql])).toEqual([
			[1, 1, "CREATE TABLE a (x int);"],
			[2, 2, "CREATE INDEX i ON a (x);"],
			[3, 4, "DROP TABLE b;"],
		]);
	});

	it("keeps semicolons inside strings, quoted names, comments and trigger bodies", () => {
		const sql = [
			"-- a comment; with a semicolon",
			"UPDATE t SET v = 'a;b''c;' WHERE \"we;ird\" = 1;",
			"CREATE TRIGGER tr AFTER INSERT ON t BEGIN",
			"  UPDATE t SET v = CASE WHEN 1 THEN 'x' END;",
			"  DELETE FROM u;",
			"END;",
			"/* only a comment; */",
		].join("\n");
		const s = splitStatements(sql);
		expect(s).toHaveLength(2);
		expect(s[0].sql).toContain("'a;b''c;'");
		expect(s[1].sql).toMatch(/^CREATE TRIGGER[\s\S]*END;$/);
	});
});

describe("allow annotations", () => {
	it("needs a rule and a reason", () => {
		const { allows, malformed } = parseAllows(
			[
				"-- kiln-gate: allow unique-index-added -- deduplicated in release 12 (ada)",
				"-- kiln-gate: allow declared-column-dropped",
				"-- kiln-gate: please",
			].join("\n"),
		);
		expect(allows).toEqual([{ rule: "unique-index-added", reason: "deduplicated in release 12 (ada)", line: 1 }]);
		expect(malformed.map((m) => m.line)).toEqual([2, 3]);
	});
});

describe("staticChecks", () => {
	const init = parseMigration("0000_init.sql", "CREATE TABLE t (id integer);");
	const rules = (added: ReturnType<typeof parseMigration>[], old = [init]) =>
		staticChecks(old, [...old, ...added], added).findings.map((f) => f.rule);

	it("passes a well-numbered plain migration", () => {
		expect(rules([parseMigration("0001_x.sql", "ALTER TABLE t ADD y text;")])).toEqual([]);
	});

	it("flags statements over D1's 100 KB limit", () => {
		const big = `INSERT INTO t (id) VALUES ${Array.from({ length: 20_000 }, (_, i) => `(${i})`).join(", ")};`;
		expect(rules([parseMigration("0001_seed.sql", big)])).toEqual(["statement-too-large"]);
	});

	it("flags transaction control, but not PRAGMA foreign_keys alone (layers 2 and 4 judge the cascades it hides)", () => {
		const m = parseMigration(
			"0001_x.sql",
			"BEGIN;\nPRAGMA foreign_keys = OFF;\nPRAGMA defer_foreign_keys = on;\nCOMMIT;\nEND TRANSACTION;",
		);
		expect(rules([m])).toEqual(["transaction-control", "transaction-control", "transaction-control"]);
	});

	it("flags an allow annotation naming a rule that does not exist", () => {
		const m = parseMigration("0001_x.sql", "-- kiln-gate: allow drop-everything -- trust me\nDROP TABLE t;");
		expect(rules([m])).toEqual(["allow-annotation-unknown-rule"]);
	});
});

describe("schema helpers", () => {
	it("reads SQLite type affinity", () => {
		expect(
			["INTEGER", "bigint", "VARCHAR(20)", "text", "", "blob", "real", "DOUBLE", "decimal(10,2)"].map(affinity),
		).toEqual(["INTEGER", "INTEGER", "TEXT", "TEXT", "BLOB", "BLOB", "REAL", "REAL", "NUMERIC"]);
	});

	it("extracts CHECK expressions, nested parentheses and all, but not from strings", () => {
		const sql =
			"CREATE TABLE f (s text DEFAULT 'check(no)' CHECK (s IN ('a', 'b)')), p integer, CHECK ((p BETWEEN 1 AND 5) OR p IS NULL))";
		expect(extractChecks(sql)).toEqual(["s IN ('a', 'b)')", "(p BETWEEN 1 AND 5) OR p IS NULL"]);
	});
});

describe("lostWorkerd: faults of the local D1 engine, which earn the gate one more run", () => {
	it("recognises a dropped connection and Miniflare's own failed assertion", () => {
		expect(lostWorkerd(new TypeError("fetch failed", { cause: { code: "UND_ERR_SOCKET" } }))).toBe(true);
		const assertion = Object.assign(new Error("false == true"), {
			name: "AssertionError",
			stack:
				"AssertionError: false == true\n    at Native node_modules/miniflare/dist/src/workers/core/entry.worker.js:4960:14",
		});
		expect(lostWorkerd(assertion)).toBe(true);
	});

	it("does not mistake a real error for one", () => {
		expect(lostWorkerd(new Error("no such column: title"))).toBe(false);
		const ours = Object.assign(new Error("false == true"), {
			name: "AssertionError",
			stack: "at src/gate/gate.ts:1:1",
		});
		expect(lostWorkerd(ours)).toBe(false);
	});
});
