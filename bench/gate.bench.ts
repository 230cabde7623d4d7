/**
 * `npm run bench -- gate`: the migration gate's wall time
 * - on this repository (a throwaway clone of HEAD plus one new, safe
 *   migration, judged against HEAD: all four layers, layer 3 through the
 *   repository's own vitest db project), target under 60 s;
 * - on synthetic histories of 10 and 100 migrations (the ref has N-1, the work
 *   tree adds one; a declared Drizzle table per migration, old db tests run
 *   by the gate in workerd).
 * Each scenario runs three times; the median is reported, with each layer's share.
 * - on the real corpus (test/gate/real: 69 migration commits of public
 *   repositories, each judged once, one at a time): median and slowest case,
 *   target under 30 s each.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runGate } from "../src/gate/gate";
import type { GateReport } from "../src/gate/types";
import { git } from "../test/gate/helpers.ts";
import { buildRealCase, caseName, loadRealCases } from "../test/gate/real-corpus.ts";
import { size } from "./options.ts";

const root = path.resolve(import.meta.dirname, "..");
const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-bench-"));
const RUNS = size("BENCH_RUNS", 3, 1);
/** The two synthetic history lengths (`BENCH_SMOKE=1`: 3 and 6). */
const SHORT = size("BENCH_SHORT_HISTORY", 10, 3);
const LONG = size("BENCH_LONG_HISTORY", 100, 6);
/** How many real cases to judge (all of them; `BENCH_SMOKE=1`: 3, spread over the corpus). */
const REAL_CASES = size("BENCH_REAL_CASES", Number.POSITIVE_INFINITY, 3);

function thisRepository(): string {
	const dir = path.join(parent, "kiln");
	git(root, "clone", "-q", "--local", "--no-hardlinks", root, dir);
	symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
	const last = execFileSync("ls", [path.join(dir, "migrations")], { encoding: "utf8" })
		.split("\n")
		.filter((f) => /^\d+_.*\.sql$/.test(f))
		.sort()
		.at(-1);
	const next = String(Number.parseInt(last ?? "0", 10) + 1).padStart(4, "0");
	writeFileSync(
		path.join(dir, "migrations", `${next}_bench_add_column.sql`),
		"ALTER TABLE `projects` ADD `bench_note` text;\n",
	);
	return dir;
}

/** A repository whose history has `n` migrations: tables t0..t{k}, each later migration adding a column or an index. */
function synthetic(n: number): string {
	const dir = path.join(parent, `synthetic-${n}`);
	for (const d of ["migrations", "src/db", "test/db"]) mkdirSync(path.join(dir, d), { recursive: true });
	symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
	const tables = new Map<string, string[]>();
	const write = (i: number) => {
		const name = `${String(i).padStart(4, "0")}_step.sql`;
		let sql: string;
		if (i % 3 === 0 || tables.size === 0) {
			const t = `t${tables.size}`;
			tables.set(t, ["id", "name"]);
			sql = `CREATE TABLE \`${t}\` (\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL, \`name\` text NOT NULL${tables.size > 1 ? `, \`parent\` integer REFERENCES \`t${tables.size - 2}\`(\`id\`) ON DELETE cascade` : ""});`;
			if (tables.size > 1) tables.get(t)?.push("parent");
		} else if (i % 3 === 1) {
			const t = `t${(i * 7) % tables.size}`;
			const c = `c${i}`;
			tables.get(t)?.push(c);
			sql = `ALTER TABLE \`${t}\` ADD \`${c}\` text;`;
		} else {
			const t = `t${(i * 5) % tables.size}`;
			sql = `CREATE INDEX \`i${i}\` ON \`${t}\` (\`name\`);`;
		}
		writeFileSync(path.join(dir, "migrations", name), `${sql}\n`);
	};
	const schema = () =>
		[
			'import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";',
			...[...tables].map(
				([t, cols]) =>
					`export const ${t} = sqliteTable("${t}", { ${cols
						.map((c) =>
							c === "id"
								? 'id: integer("id").primaryKey({ autoIncrement: true })'
								: c === "name"
									? 'name: text("name").notNull()'
									: c === "parent"
										? 'parent: integer("parent")'
										: `${c}: text("${c}")`,
						)
						.join(", ")} });`,
			),
		].join("\n");
	for (let i = 0; i < n - 1; i++) write(i);
	writeFileSync(path.join(dir, "src/db/schema.ts"), schema());
	writeFileSync(
		path.join(dir, "test/db/tables.test.ts"),
		[
			'import { env } from "cloudflare:workers";',
			'import { drizzle } from "drizzle-orm/d1";',
			'import { expect, it } from "vitest";',
			'import * as schema from "../../src/db/schema";',
			"const db = drizzle(env.DB, { schema });",
			...[...tables.keys()]
				.slice(0, 10)
				.map(
					(t) =>
						`it("writes and reads ${t}", async () => { await db.insert(schema.${t}).values({ name: "x" }); expect((await db.select().from(schema.${t}).all()).length).toBeGreaterThan(0); });`,
				),
		].join("\n"),
	);
	git(dir, "init", "-q");
	writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
	git(dir, "add", "-A");
	git(dir, "commit", "-q", "-m", "history");
	git(dir, "tag", "deployed");
	write(n - 1); // the new migration, uncommitted
	return dir;
}

async function measure(label: string, dir: string, against: string): Promise<number> {
	const runs: GateReport[] = [];
	for (let i = 0; i < RUNS; i++) runs.push(await runGate({ cwd: dir, against }));
	runs.sort((a, b) => a.ms - b.ms);
	const median = runs[Math.floor(RUNS / 2)];
	// Layer 3 runs alongside 2 and 4, so the layers' times overlap and do not add up to the total.
	const layers = median.layers.map((l) => `L${l.layer} ${(l.ms / 1000).toFixed(1)}s ${l.status}`).join(", ");
	console.log(
		`${label.padEnd(44)} ${(median.ms / 1000).toFixed(1).padStart(6)} s   (runs: ${runs.map((r) => (r.ms / 1000).toFixed(1)).join(", ")}; ${median.safe ? (median.verified ? "safe" : "safe, not fully verified") : "UNSAFE"})`,
	);
	console.log(`${"".padEnd(44)} ${layers}`);
	const l3 = median.layers.find((l) => l.layer === 3)?.notes.join("; ");
	if (l3) console.log(`${"".padEnd(44)} layer 3: ${l3}`);
	return median.ms;
}

/** Every real case once, one after the other, as a user would run the gate: median and slowest. */
async function realCorpus(): Promise<{ median: number; slowest: number }> {
	const times: { name: string; ms: number; safe: boolean }[] = [];
	const all = loadRealCases();
	const step = Math.max(1, Math.floor(all.length / Math.min(REAL_CASES, all.length)));
	for (const c of all.filter((_, i) => i % step === 0).slice(0, REAL_CASES)) {
		const report = await runGate({
			cwd: buildRealCase(c, parent),
			against: "deployed",
			migrationsDir: c.source.migrationsDir,
			schema: c.source.schema,
		});
		times.push({ name: caseName(c), ms: report.ms, safe: report.safe });
	}
	times.sort((a, b) => a.ms - b.ms);
	const median = times[Math.floor(times.length / 2)];
	const slowest = times[times.length - 1];
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	console.log(
		`${"real corpus, median case".padEnd(44)} ${s(median.ms).padStart(8)}   (${times.length} cases, each judged once)`,
	);
	console.log(`${"real corpus, slowest case".padEnd(44)} ${s(slowest.ms).padStart(8)}   (${slowest.name})`);
	console.log(`${"real corpus, total".padEnd(44)} ${s(times.reduce((n, t) => n + t.ms, 0)).padStart(8)}`);
	return { median: median.ms, slowest: slowest.ms };
}

try {
	console.log(
		`gate wall time, median of ${RUNS} (load average now ${(await import("node:os")).loadavg()[0].toFixed(1)})\n`,
	);
	const repo = await measure("this repository (+1 migration, vitest layer 3)", thisRepository(), "HEAD");
	const ten = await measure(`synthetic history of ${SHORT} migrations`, synthetic(SHORT), "deployed");
	const hundred = await measure(`synthetic history of ${LONG} migrations`, synthetic(LONG), "deployed");
	console.log(`\nratio ${LONG} / ${SHORT} migrations: ${(hundred / ten).toFixed(2)}x`);
	console.log(
		`this repository: ${(repo / 1000).toFixed(1)} s against a target of 60 s (${repo < 60_000 ? "met" : "MISSED"})`,
	);
	console.log("");
	const real = await realCorpus();
	console.log(
		`real corpus: median ${(real.median / 1000).toFixed(1)} s, slowest ${(real.slowest / 1000).toFixed(1)} s, against a target of 30 s each (${real.slowest < 30_000 ? "met" : "MISSED"})`,
	);
} finally {
	rmSync(parent, { recursive: true, force: true });
}
