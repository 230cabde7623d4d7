// The CLI contract: exit 0 safe, 1 findings, 2 usage errors; clear messages,
// never a stack trace; --json for machines.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { GateReport } from "../../src/gate/types";
import { buildCase, parseCase } from "./corpus";
import { git, runTs, STACK } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-cli-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const gate = (cwd: string, ...args: string[]) => runTs("src/gate/cli.ts", args, cwd);

/** A corpus-style repository whose work tree adds `files` on top of the deployed base. */
function repo(name: string, files: Record<string, string>, commit = false): string {
	const body = Object.entries(files)
		.map(([p, text]) => `=== file ${p}\n${text}`)
		.join("");
	return buildCase(
		parseCase(name, "safe", `# about: cli ${name}\n# commit: ${commit ? "yes" : "no"}\n${body}`),
		parent,
	);
}

describe.concurrent("npm run gate", () => {
	it("exits 0 and says SAFE for a safe migration (uncommitted), with --json parseable", async () => {
		const dir = repo("safe", { "migrations/0002_feed_etag.sql": "ALTER TABLE `feeds` ADD `etag` text;\n" });
		const text = await gate(dir, "--against", "deployed");
		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toContain("SAFE: every new migration is safe");
		expect(text.stdout).toContain("0002_feed_etag.sql");
		const json = await gate(dir, "--against", "deployed", "--json", "--layers", "1,2");
		expect(json.code).toBe(0);
		const report = JSON.parse(json.stdout) as GateReport;
		expect(report).toMatchObject({ safe: true, newMigrations: ["0002_feed_etag.sql"], findings: [] });
		expect(report.layers.map((l) => l.status)).toEqual(["passed", "passed", "skipped", "skipped"]);
		// Skipped layers judged nothing, so the verdict is not a full one.
		expect(report.layers.map((l) => l.judged)).toEqual([true, true, false, false]);
		expect(report.verified).toBe(false);
	});

	it("exits 1 with a finding that names rule, file, statement, what breaks and the safe way", async () => {
		const dir = repo(
			"rename",
			{ "migrations/0002_rename.sql": "ALTER TABLE `notes` RENAME COLUMN `title` TO `headline`;\n" },
			true,
		);
		const r = await gate(dir, "--against", "deployed", "--json", "--layers", "1,2");
		expect(r.code).toBe(1);
		const f = (JSON.parse(r.stdout) as GateReport).findings[0];
		expect(f).toMatchObject({ rule: "declared-column-renamed", migration: "0002_rename.sql", layer: 2 });
		expect(f.statement?.sql).toContain("RENAME COLUMN");
		expect(f.breaks).toContain("notes.title");
		expect(f.safeWay).toMatch(/Expand/);
		const text = await gate(dir, "--against", "deployed", "--layers", "1,2");
		expect(text.stdout).toMatch(/\[declared-column-renamed\] layer 2 — 0002_rename\.sql, statement 1/);
		expect(text.stdout).toMatch(/breaks: .*safe way: /s);
		expect(text.stdout).toContain("UNSAFE");
	});

	it("reports a migration that is not valid SQL as a finding with SQLite's error", async () => {
		const dir = repo("invalid", {
			"migrations/0002_typo.sql": "ALTER TABLE `feeds` ADD `a` text;\nCREATE TABLE x (id integer,);\n",
		});
		const r = await gate(dir, "--against", "deployed", "--json", "--layers", "1,2");
		expect(r.code).toBe(1);
		const f = (JSON.parse(r.stdout) as GateReport).findings[0];
		expect(f.rule).toBe("migration-fails");
		expect(f.statement?.index).toBe(2);
		expect(f.message).toMatch(/syntax error/);
		expect(r.stderr).not.toMatch(STACK);
	});

	it("fails closed when the ref's own migrations do not replay on local D1, unless a reviewed exception accepts it", async () => {
		// The deployed release has a migration production D1 ran but Miniflare refuses
		// ("not authorized"); the new one drops a table the live code uses. Layers 2-4 had no
		// schema to judge on, said not-applicable, and the gate printed SAFE.
		const scratch = "CREATE TEMPORARY TABLE `import_scratch` (`id` integer);\n";
		const dir = repo("ref-does-not-replay", { "migrations/0002_scratch.sql": scratch }, true);
		git(dir, "tag", "-f", "deployed", "HEAD");
		const drop = path.join(dir, "migrations", "0003_drop_tags.sql");
		writeFileSync(drop, "DROP TABLE `tags`;\n");

		const r = await gate(dir, "--against", "deployed", "--json");
		expect(r.code, r.stdout + r.stderr).toBe(1);
		const report = JSON.parse(r.stdout) as GateReport;
		expect(report).toMatchObject({ safe: false, verified: false });
		expect(report.layers.map((l) => [l.layer, l.status, l.judged])).toEqual([
			[1, "passed", true],
			[2, "could-not-run", false],
			[3, "could-not-run", false],
			[4, "could-not-run", false],
		]);
		expect(report.findings.map((f) => f.rule)).toEqual([
			"schema-diff-not-run",
			"old-tests-not-run",
			"rehearsal-not-run",
		]);
		for (const f of report.findings) {
			expect(f.migration).toBe("0002_scratch.sql");
			expect(f.statement?.sql).toContain("CREATE TEMPORARY TABLE");
			expect(f.message).toContain("not authorized");
		}

		// The way past is the reviewed in-file exception, one per unjudged layer; the verdict then
		// passes but says it is not fully verified.
		const reason = "-- production ran 0002 on 2026-11-02; 0003 reviewed by hand (ada)";
		writeFileSync(
			drop,
			["schema-diff-not-run", "old-tests-not-run", "rehearsal-not-run"]
				.map((rule) => `-- kiln-gate: allow ${rule} ${reason}\n`)
				.join("")
				.concat("DROP TABLE `tags`;\n"),
		);
		const allowed = await gate(dir, "--against", "deployed");
		expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
		expect(allowed.stdout).toContain("SAFE, NOT FULLY VERIFIED");
		expect(allowed.stdout).toContain("[rehearsal-not-run] layer 4 — 0002_scratch.sql, statement 1 (line 1) — ALLOWED");
	});

	it("reports a migration without a number, and a gap in the numbers", async () => {
		const dir = repo("numbers", {
			"migrations/feed_etag.sql": "ALTER TABLE `feeds` ADD `etag` text;\n",
			"migrations/0003_index.sql": "CREATE INDEX `feeds_url` ON `feeds` (`url`);\n",
		});
		const r = await gate(dir, "--against", "deployed", "--json", "--layers", "1");
		expect(r.code).toBe(1);
		const found = (JSON.parse(r.stdout) as GateReport).findings.map((f) => [f.rule, f.migration]);
		expect(found).toContainEqual(["migration-name", "feed_etag.sql"]);
		expect(found).toContainEqual(["migration-number-gap", "0003_index.sql"]);
	});

	it("reads a migration named outside ASCII as the ref's own (git -z), so an edit to it is caught", async () => {
		// Without -z, git quotes such a name ("0002_caf\303\251.sql"): the ref seemed to lack the
		// file, so it was new on every run and edits to it escaped deployed-migration-edited.
		const name = "0002_ajouté_café.sql";
		const dir = repo("non-ascii", { [`migrations/${name}`]: "ALTER TABLE `feeds` ADD `etag` text;\n" }, true);
		git(dir, "tag", "-f", "deployed", "HEAD");
		const same = await gate(dir, "--against", "deployed", "--json", "--layers", "1");
		expect(same.code, same.stderr).toBe(0);
		expect((JSON.parse(same.stdout) as GateReport).newMigrations).toEqual([]);

		writeFileSync(path.join(dir, "migrations", name), "ALTER TABLE `feeds` ADD `etag_v2` text;\n");
		const edited = await gate(dir, "--against", "deployed", "--json", "--layers", "1");
		expect(edited.code, edited.stderr).toBe(1);
		const report = JSON.parse(edited.stdout) as GateReport;
		expect(report.newMigrations).toEqual([]);
		expect(report.findings.map((f) => [f.rule, f.migration])).toEqual([["deployed-migration-edited", name]]);
	});

	it("exits 2 with a clear message for an unknown ref", async () => {
		const dir = repo("unknown-ref", {});
		const r = await gate(dir, "--against", "no-such-release");
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('unknown git ref "no-such-release"');
		expect(r.stderr).not.toMatch(STACK);
		expect(r.stdout).toBe("");
	});

	it("exits 2 for a ref that has no migrations folder", async () => {
		const dir = path.join(parent, "no-migrations");
		mkdirSync(dir);
		git(dir, "init", "-q");
		writeFileSync(path.join(dir, "README.md"), "before the database\n");
		git(dir, "add", "-A");
		git(dir, "commit", "-q", "-m", "first");
		mkdirSync(path.join(dir, "migrations"));
		writeFileSync(path.join(dir, "migrations", "0000_init.sql"), "CREATE TABLE t (id integer);\n");
		const r = await gate(dir, "--against", "HEAD");
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('"HEAD" has no migrations/ folder');
		expect(r.stderr).not.toMatch(STACK);
	});

	it("exits 2 outside a git repository, without --against, and for bad options", async () => {
		const outside = mkdtempSync(path.join(tmpdir(), "kiln-gate-nogit-"));
		try {
			const r = await gate(outside, "--against", "HEAD");
			expect(r.code).toBe(2);
			expect(r.stderr).toContain("not inside a git repository");
			expect(r.stderr).not.toMatch(STACK);
		} finally {
			rmSync(outside, { recursive: true, force: true });
		}
		const dir = repo("args", {});
		const bad = [[], ["--against"], ["--against", "deployed", "--layers", "5"], ["--against", "deployed", "--bogus"]];
		const runs = await Promise.all(bad.map((args) => gate(dir, ...args)));
		runs.forEach((r, i) => {
			expect(r.code, bad[i].join(" ")).toBe(2);
			expect(r.stderr).toContain("usage: npm run gate");
			expect(r.stderr).not.toMatch(STACK);
		});
	});
});
