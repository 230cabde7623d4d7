// The class guard (src/gate/durable-objects.ts): a wrangler config change that
// would delete the data of a Durable Object class the deployed release has is
// refused by the gate, and so by `npm run deploy`, unless the config carries a
// reviewed exception naming the class. Small throwaway repositories, judged by
// layer 1 alone (it needs no database), and one deploy on a clone of Kiln.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import type { GateReport } from "../../src/gate/types";
import { cloneKiln, git, runTs, STACK } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-classes-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const API = `name = "api"
main = "index.ts"

[[durable_objects.bindings]]
name = "COUNTERS"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]

[env.production]
name = "api-prod"

[[env.production.durable_objects.bindings]]
name = "COUNTERS"
class_name = "Counter"

[[env.production.migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
`;

const JOBS = `{
	// A JSONC config, as wrangler also reads them.
	"name": "jobs",
	"durable_objects": { "bindings": [{ "name": "QUEUE", "class_name": "JobQueue" }] },
	"migrations": [{ "tag": "v1", "new_classes": ["JobQueue"] }],
}
`;

let n = 0;
/** A repository whose commit tagged `deployed` has these configs, and whose work tree has `change` applied. */
function repo(change: Record<string, string | null>): string {
	const dir = path.join(parent, `r${n++}`);
	mkdirSync(path.join(dir, "migrations"), { recursive: true });
	mkdirSync(path.join(dir, "workers", "jobs"), { recursive: true });
	writeFileSync(path.join(dir, "migrations", "0000_init.sql"), "CREATE TABLE `t` (`id` integer PRIMARY KEY);\n");
	writeFileSync(path.join(dir, "wrangler.toml"), API);
	writeFileSync(path.join(dir, "workers", "jobs", "wrangler.jsonc"), JOBS);
	git(dir, "init", "-q");
	git(dir, "add", "-A");
	git(dir, "commit", "-q", "-m", "deployed");
	git(dir, "tag", "deployed");
	for (const [file, text] of Object.entries(change)) {
		if (text === null) rmSync(path.join(dir, file));
		else {
			mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
			writeFileSync(path.join(dir, file), text);
		}
	}
	return dir;
}

const judge = (dir: string) => runGate({ cwd: dir, against: "deployed", layers: [1] });
const open = (r: GateReport) => r.findings.filter((f) => !f.allowed);

describe.concurrent("the class guard", () => {
	it("refuses deleted_classes, naming the class, the config, the environment and the migration", async () => {
		const dir = repo({
			"wrangler.toml": `${API}
[[env.production.migrations]]
tag = "v2"
deleted_classes = ["Counter"]
`,
		});
		const r = await judge(dir);
		expect(r.safe, formatReport(r)).toBe(false);
		expect(open(r)).toHaveLength(1);
		expect(open(r)[0]).toMatchObject({ rule: "durable-object-deleted", layer: 1, migration: "wrangler.toml" });
		expect(open(r)[0].message).toBe(
			'wrangler.toml [env.production]: migration "v2" deletes class Counter (deleted_classes).',
		);
		expect(open(r)[0].breaks).toContain("Every object of Counter, with all the data it stores, is gone");
		const text = formatReport(r);
		expect(text).toContain("[durable-object-deleted] layer 1 — wrangler.toml");
		expect(text).toContain("# kiln-gate: allow durable-object-deleted <Class> -- <why");
		expect(text).toContain("`# kiln-gate: allow <rule> <Class> -- <reason>` in its wrangler config");
	});

	it("refuses a rename and a transfer to another Worker", async () => {
		const renamed = await judge(
			repo({
				"wrangler.toml": `${API}
[[migrations]]
tag = "v2"
renamed_classes = [{ from = "Counter", to = "Tally" }]
`,
			}),
		);
		expect(open(renamed).map((f) => [f.rule, f.message])).toEqual([
			["durable-object-renamed", 'wrangler.toml: migration "v2" renames class Counter to Tally (renamed_classes).'],
		]);
		const moved = await judge(
			repo({
				"workers/jobs/wrangler.jsonc": JOBS.replace(
					'{ "tag": "v1", "new_classes": ["JobQueue"] }',
					'{ "tag": "v1", "new_classes": ["JobQueue"] }, { "tag": "v2", "transferred_classes": [{ "from": "JobQueue", "from_script": "jobs", "to": "Queue2" }] }',
				),
			}),
		);
		expect(open(moved).map((f) => [f.rule, f.migration])).toEqual([
			["durable-object-renamed", "workers/jobs/wrangler.jsonc"],
		]);
		expect(open(moved)[0].message).toContain("transfers class JobQueue to Queue2");
	});

	it("refuses dropping a class's binding, its creating migration, an environment or the whole config", async () => {
		const cases: [Record<string, string | null>, string][] = [
			[
				{
					"wrangler.toml": API.replace(
						/\[\[durable_objects\.bindings\]\]\nname = "COUNTERS"\nclass_name = "Counter"\n/,
						"",
					),
				},
				"is no longer bound (its binding COUNTERS is gone)",
			],
			[
				{ "wrangler.toml": API.replace('[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Counter"]\n', "") },
				"is no longer created by any migration",
			],
			[
				{ "wrangler.toml": API.slice(0, API.indexOf("[env.production]")) },
				"wrangler.toml [env.production] is gone from the work tree",
			],
			[{ "workers/jobs/wrangler.jsonc": null }, "workers/jobs/wrangler.jsonc is gone from the work tree"],
		];
		for (const [change, says] of cases) {
			const r = await judge(repo(change));
			expect(
				open(r).map((f) => f.rule),
				formatReport(r),
			).toEqual(["durable-object-dropped"]);
			expect(open(r)[0].message).toContain(says);
		}
	});

	it("passes the change with a reviewed exception naming the rule and the class, and says so", async () => {
		const dir = repo({
			"wrangler.toml": `# kiln-gate: allow durable-object-deleted Counter -- counters exported to R2 on 2026-12-01; ada reviewed
${API}
[[env.production.migrations]]
tag = "v2"
deleted_classes = ["Counter"]
`,
		});
		const r = await judge(dir);
		expect(r.safe, formatReport(r)).toBe(true);
		expect(r.findings).toHaveLength(1);
		expect(r.findings[0]).toMatchObject({
			rule: "durable-object-deleted",
			allowed: { line: 1, reason: "wrangler.toml: counters exported to R2 on 2026-12-01; ada reviewed" },
		});
		expect(formatReport(r)).toContain("ALLOWED");
	});

	it("does not let an exception for another class, another rule, or without a reason pass the change", async () => {
		const deletion = `${API}
[[migrations]]
tag = "v2"
deleted_classes = ["Counter"]
`;
		for (const comment of [
			"# kiln-gate: allow durable-object-deleted Tally -- wrong class",
			"# kiln-gate: allow durable-object-renamed Counter -- wrong rule",
			"# kiln-gate: allow durable-object-deleted Counter --",
			"# kiln-gate: allow declared-column-dropped Counter -- a migration's rule",
		]) {
			const r = await judge(repo({ "wrangler.toml": `${comment}\n${deletion}` }));
			expect(r.safe, comment).toBe(false);
			expect(open(r).map((f) => f.rule)).toContain("durable-object-deleted");
		}
		const malformed = await judge(
			repo({ "wrangler.toml": `# kiln-gate: allow durable-object-deleted Counter --\n${API}` }),
		);
		expect(open(malformed).map((f) => f.rule)).toEqual(["allow-annotation-malformed"]);
	});

	it("passes a new class, a new binding and any other change that keeps every class", async () => {
		const r = await judge(
			repo({
				"wrangler.toml": `${API.replace('name = "api"', 'name = "api"\ncompatibility_date = "2026-12-01"')}
[[durable_objects.bindings]]
name = "ROOMS"
class_name = "Room"

[[migrations]]
tag = "v2"
new_sqlite_classes = ["Room"]
`,
				// Configs of test fixtures are not deployed: not judged.
				"test/fixtures/wrangler.toml": 'name = "fixture"\n',
			}),
		);
		expect(r.findings, formatReport(r)).toEqual([]);
		expect(r.safe).toBe(true);
		expect(r.layers[0].notes.join("\n")).toContain("Counter, JobQueue");
	});

	it("refuses a config it cannot parse, rather than passing it unjudged", async () => {
		const r = await judge(repo({ "wrangler.toml": `${API}\n[[migrations]\n` }));
		expect(open(r).map((f) => f.rule)).toContain("wrangler-config-unreadable");
		expect(r.safe).toBe(false);
	});
});

describe("Kiln's own configs", () => {
	const dir = cloneKiln(parent, "kiln");
	git(dir, "update-ref", "refs/kiln/deployed", "HEAD");

	it("guard AppDatabase, AppLogs and NotionRateLimiter", async () => {
		const r = await runGate({ cwd: dir, against: "HEAD", layers: [1] });
		expect(r.safe, formatReport(r)).toBe(true);
		expect(r.layers[0].notes.join("\n")).toContain("AppDatabase, AppLogs, NotionRateLimiter");
	});

	it("npm run deploy refuses a config that deletes AppDatabase, before any step past the gate", async () => {
		const config = path.join(dir, "workers", "codegen", "wrangler.toml");
		writeFileSync(
			config,
			`${readFileSync(config, "utf8")}\n[[env.production.migrations]]\ntag = "v2-drop"\ndeleted_classes = ["AppDatabase"]\n`,
		);
		git(dir, "commit", "-q", "-am", "drop the app databases");
		const r = await runTs("scripts/deploy.ts", ["--dry-run", "--outdir", path.join(parent, "kiln-out")], dir);
		expect(r.code, r.stdout + r.stderr).toBe(1);
		expect(r.stdout).toContain("[durable-object-deleted]");
		expect(r.stdout).toContain('migration "v2-drop" deletes class AppDatabase');
		expect(r.stdout).toContain("✗ gate failed: the deploy stopped here.");
		expect(r.stdout).not.toContain("$ wrangler");
		expect(r.stderr).not.toMatch(STACK);
	});
});
