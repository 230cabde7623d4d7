// The gate on a repository laid out unlike Kiln, as another Workers project
// would run it: a monorepo whose database package keeps drizzle.config.ts
// beside its migrations, no test/db, its own test command for layer 3. Plus
// what --strict and --json say about deploy risks, and the packaged bin's
// Node version check.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeTooOld } from "../../packages/kiln-gate/bin/node-version.mjs";
import type { GateReport } from "../../src/gate/types";
import { buildCase, loadCases } from "./corpus";
import { git, repoRoot, runTs } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-any-repo-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const gate = (cwd: string, ...args: string[]) => runTs("src/gate/cli.ts", args, cwd);

// The db "tests" of the monorepo: apply the migrations folder to a fresh SQLite
// database, then write a row the way the deployed code does.
const CHECK = `import { DatabaseSync } from "node:sqlite";
import { readdirSync, readFileSync } from "node:fs";
const dir = process.env.KILN_MIGRATIONS_DIR;
const db = new DatabaseSync(":memory:");
for (const f of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort())
	for (const s of readFileSync(dir + "/" + f, "utf8").split("--> statement-breakpoint")) db.exec(s);
db.prepare("INSERT INTO posts (title, body) VALUES (?, ?)").run("hello", "world");
console.log("ok");
`;

function monorepo(name: string, next: string): string {
	const dir = path.join(parent, name);
	const write = (rel: string, text: string) => {
		mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		writeFileSync(path.join(dir, rel), text);
	};
	write(".gitignore", "node_modules\n");
	symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
	write("package.json", `{ "name": "${name}", "private": true, "workspaces": ["packages/*"] }\n`);
	write(
		"packages/db/drizzle.config.ts",
		`export default { dialect: "sqlite", schema: "./src/schema.ts", out: "./drizzle" };\n`,
	);
	write(
		"packages/db/src/schema.ts",
		`import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";\nimport { slugify } from "@blog/util";\nexport const posts = sqliteTable("posts", { id: integer("id").primaryKey(), title: text("title").notNull(), body: text("body"), slug: text("slug").$defaultFn(() => slugify("x")) });\n`,
	);
	write(
		"packages/db/drizzle/0000_init.sql",
		"CREATE TABLE `posts` (`id` integer PRIMARY KEY NOT NULL, `title` text NOT NULL, `body` text, `slug` text);\n",
	);
	write("packages/db/check.mjs", CHECK);
	git(dir, "init", "-q", "-b", "main");
	git(dir, "add", "-A");
	git(dir, "commit", "-q", "-m", "release");
	git(dir, "tag", "deployed");
	write("packages/db/drizzle/0001_next.sql", next);
	return dir;
}

describe.concurrent("any repository", () => {
	it("finds the migrations and the schema through drizzle.config, and runs the test command twice", async () => {
		const dir = monorepo("drop-body", "ALTER TABLE `posts` DROP COLUMN `body`;\n");
		const r = await gate(dir, "--against", "deployed", "--json", "--test-command", "node packages/db/check.mjs");
		expect(r.code, r.stderr).toBe(1);
		const report = JSON.parse(r.stdout) as GateReport;
		expect(report.newMigrations).toEqual(["0001_next.sql"]);
		expect(report.findings.map((f) => f.rule).sort()).toEqual(["declared-column-dropped", "old-test-fails"]);
		const layer2 = report.layers.find((l) => l.layer === 2)?.notes.join(" ") ?? "";
		// The schema imports a workspace package that does not resolve: the note says so, whole, and names the fallback.
		expect(layer2).toContain("packages/db/src/schema.ts (Drizzle, with do-nothing stand-ins");
		expect(layer2).toContain("Cannot find package '@blog/util'");
		const layer3 = report.layers.find((l) => l.layer === 3);
		expect(layer3?.status).toBe("blocked");
		expect(layer3?.notes.join(" ")).toContain("ran `node packages/db/check.mjs` in the ref's checkout twice");
	});

	it("passes a safe migration there, with layer 3 judged by the test command", async () => {
		const dir = monorepo("add-tags", "ALTER TABLE `posts` ADD `tags` text;\n");
		const r = await gate(dir, "--against", "deployed", "--test-command", "node packages/db/check.mjs");
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stdout).toContain("SAFE: every new migration is safe");
	});

	it("reports a deploy risk without blocking, blocks it with --strict, and marks its severity in --json", async () => {
		const c = loadCases("safe").find((x) => x.name === "37-unique-declared-by-old-schema");
		if (!c) throw new Error("corpus case 37-unique-declared-by-old-schema is missing");
		const dir = buildCase(c, parent);
		const plain = await gate(dir, "--against", "deployed", "--layers", "1,2");
		expect(plain.code, plain.stderr).toBe(0);
		expect(plain.stdout).toContain("1 deploy risk(s): the live code is not affected");
		expect(plain.stdout).toMatch(/\[unique-index-declared\] layer 2 — DEPLOY RISK/);
		expect(plain.stdout).toMatch(/fails: {4}the deploy, if production holds duplicates.*SELECT "email", count\(\*\)/);
		const strict = await gate(dir, "--against", "deployed", "--layers", "1,2", "--strict", "--json");
		expect(strict.code).toBe(1);
		const report = JSON.parse(strict.stdout) as GateReport;
		expect(report).toMatchObject({ safe: false, strict: true });
		expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([["unique-index-declared", "deploy-risk"]]);
	});
});

describe("the kiln-gate bin's Node check", () => {
	it("refuses Node 20 and 22.11 with what to do, and lets 22.12 and later through", () => {
		expect(nodeTooOld("20.20.2")).toMatch(/needs Node 22\.12 or later .* this is Node 20\.20\.2\.\n.*npx -p node@22/s);
		expect(nodeTooOld("22.11.0")).not.toBeNull();
		expect(nodeTooOld("22.12.0")).toBeNull();
		expect(nodeTooOld("24.1.0")).toBeNull();
	});
});
