import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { finding } from "./findings";
import type { GateInput } from "./gate-input";
import { gitPaths } from "./git";
import { identifierPattern } from "./introspect";
import { locate } from "./locate";
import { applyMigrations, type Sandbox, type SandboxWorker } from "./sandbox";
import type { Finding, MigrationFile } from "./types";

export type TestStatus = "passed" | "failed" | "skipped";
export interface TestResult {
	id: string;
	status: TestStatus;
	error?: string;
}

export type Layer3Mode = "auto" | "vitest" | "workerd" | "off";

export interface Runner {
	kind: "vitest" | "workerd" | "command";
	/** Why this runner, when it is a fallback. */
	why?: string;
	/** For "command": the shell command that runs the ref's database tests (--test-command). */
	command?: string;
}

/**
 * No runner: "none" when there is nothing to run by design (no db tests, or
 * --layer3 off); "unavailable" when the ref has db tests that the requested
 * runner cannot run, which layer 3 reports as a check that did not happen.
 */
export type NoRunner = { kind: "none"; why: string } | { kind: "unavailable"; why: string };

/**
 * Which way the ref's database tests can be run:
 * - "vitest": the ref's own `test/db` vitest project, whose config reads the
 *   migrations from KILN_MIGRATIONS_DIR (the hook the gate needs);
 * - "workerd": refs from before that hook: the gate bundles `test/db/*.test.ts`
 *   with a small vitest stand-in and runs them in workerd itself;
 * - otherwise a NoRunner saying why not.
 */
export function chooseRunner(
	root: string,
	commit: string,
	wanted: Layer3Mode,
	testCommand?: string,
): Runner | NoRunner {
	if (wanted === "off") return { kind: "none", why: "turned off with --layer3 off" };
	if (testCommand) return { kind: "command", command: testCommand };
	const files = gitPaths(root, ["ls-tree", "-r", "--name-only", commit, "--", "test/db"]);
	if (!files.some((f) => /^test\/db\/[^/]+\.test\.ts$/.test(f)))
		return { kind: "none", why: "the ref has no test/db/*.test.ts" };
	if (wanted === "workerd") return { kind: "workerd" };
	let hook = false;
	if (files.includes("test/db/vitest.config.ts")) {
		try {
			hook = gitPaths(root, ["grep", "-l", "KILN_MIGRATIONS_DIR", commit, "--", "test"]).length > 0;
		} catch {
			hook = false; // git grep exits 1 when nothing matches
		}
	}
	if (wanted === "vitest")
		return hook
			? { kind: "vitest" }
			: { kind: "unavailable", why: "--layer3 vitest, but the ref's db tests cannot read KILN_MIGRATIONS_DIR" };
	return hook
		? { kind: "vitest" }
		: { kind: "workerd", why: "the ref's db tests cannot read KILN_MIGRATIONS_DIR, so the gate runs them itself" };
}

/** Runs the ref's `test/db` vitest project in its worktree, with `migrationsDir` as the schema when given. */
export async function runVitest(
	worktree: string,
	migrationsDir: string | null,
): Promise<TestResult[] | { error: string }> {
	const out = mkdtempSync(path.join(tmpdir(), "kiln-gate-vitest-"));
	const report = path.join(out, "report.json");
	const env = { ...process.env, CI: "1", FORCE_COLOR: "0" } as NodeJS.ProcessEnv;
	delete env.VITEST;
	delete env.VITEST_POOL_ID;
	delete env.VITEST_WORKER_ID;
	delete env.NODE_OPTIONS;
	if (migrationsDir) env.KILN_MIGRATIONS_DIR = migrationsDir;
	else delete env.KILN_MIGRATIONS_DIR;
	const vitest = path.join(worktree, "node_modules", "vitest", "vitest.mjs");
	try {
		const { stderr } = await new Promise<{ stderr: string }>((resolve) => {
			execFile(
				process.execPath,
				[vitest, "run", "--project", "db", "--reporter=json", `--outputFile=${report}`],
				{ cwd: worktree, env, timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024 },
				(_err, _stdout, stderr) => resolve({ stderr: String(stderr) }),
			);
		});
		if (!existsSync(report)) return { error: lastLines(stderr) || "vitest wrote no report" };
		const json = JSON.parse(readFileSync(report, "utf8")) as {
			testResults: {
				name: string;
				message?: string;
				assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
			}[];
		};
		const results: TestResult[] = [];
		for (const file of json.testResults) {
			const rel = path.relative(worktree, file.name);
			if (file.assertionResults.length === 0 && file.message) {
				results.push({ id: `${rel} (file)`, status: "failed", error: file.message });
			}
			for (const a of file.assertionResults) {
				results.push({
					id: `${rel} > ${a.fullName}`,
					status: a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped",
					error: a.failureMessages.join("\n"),
				});
			}
		}
		return results;
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
}

function lastLines(s: string, n = 6): string {
	return s.trim().split("\n").slice(-n).join("\n");
}

/** Bundles the ref's `test/db/*.test.ts` into one worker that runs them on request (see workerd-runner/). */
export async function bundleOldTests(worktree: string): Promise<string> {
	const dir = path.join(worktree, "test", "db");
	const files = readdirSync(dir)
		.filter((f) => f.endsWith(".test.ts"))
		.sort();
	const shimDir = path.join(import.meta.dirname, "workerd-runner");
	const entry = [
		`import { run, setFile } from ${JSON.stringify(path.join(shimDir, "vitest-shim.ts"))};`,
		// A virtual module per file sets the current file name before that file registers its tests.
		...files.flatMap((f) => [`import "kiln-set-file:test/db/${f}";`, `import ${JSON.stringify(path.join(dir, f))};`]),
		"export default { async fetch() { return Response.json(await run()); } };",
		"void setFile;",
	].join("\n");
	const virtual: Plugin = {
		name: "kiln-gate-virtual",
		setup(b) {
			b.onResolve({ filter: /^kiln-set-file:/ }, (a) => ({
				path: a.path.slice("kiln-set-file:".length),
				namespace: "kiln-set-file",
			}));
			b.onLoad({ filter: /.*/, namespace: "kiln-set-file" }, (a) => ({
				contents: `import { setFile } from ${JSON.stringify(path.join(shimDir, "vitest-shim.ts"))}; setFile(${JSON.stringify(a.path)});`,
				resolveDir: shimDir,
				loader: "ts",
			}));
		},
	};
	const result = await build({
		stdin: { contents: entry, resolveDir: worktree, loader: "ts" },
		bundle: true,
		write: false,
		format: "esm",
		platform: "browser",
		conditions: ["workerd", "worker", "browser"],
		target: "es2022",
		logLevel: "silent",
		external: ["cloudflare:workers", "node:*"],
		alias: {
			vitest: path.join(shimDir, "vitest-shim.ts"),
			"cloudflare:test": path.join(shimDir, "cloudflare-test-shim.ts"),
		},
		plugins: [virtual],
	});
	return result.outputFiles[0].text;
}

/** The workers that run a bundle from `bundleOldTests`, one per schema, each with its own database. */
export function oldTestWorkers(bundle: string): SandboxWorker[] {
	return [
		{ name: "own", script: bundle, d1: { DB: "OWN" } },
		{ name: "next", script: bundle, d1: { DB: "NEXT" } },
	];
}

/**
 * Runs the old tests twice in workerd (workers from `oldTestWorkers`):
 * against a database built from the ref's migrations, and against one built
 * from the ref's plus the work tree's new ones.
 */
export async function runInWorkerd(
	sandbox: Sandbox,
	oldFiles: MigrationFile[],
	newFiles: MigrationFile[],
): Promise<{ own: TestResult[]; next: TestResult[] } | { error: string }> {
	const own = await sandbox.db("OWN");
	const ownFail = await applyMigrations(own, oldFiles);
	if (ownFail) return { error: `the ref's own migrations fail: ${ownFail.file.name}: ${ownFail.error}` };
	const next = await sandbox.db("NEXT");
	const [ownResults, nextFail] = await Promise.all([
		sandbox.fetchJson<TestResult[]>("own", "/run"),
		applyMigrations(next, newFiles),
	]);
	const nextResults: TestResult[] = nextFail
		? ownResults.map((r) => ({ id: r.id, status: "failed", error: `migrations failed: ${nextFail.error}` }))
		: await sandbox.fetchJson<TestResult[]>("next", "/run");
	return { own: ownResults, next: nextResults };
}

/**
 * Tests that passed on the ref's schema and fail on the new one, as
 * findings: one per blamed statement and error, listing the tests.
 */
export function differential(own: TestResult[], next: TestResult[], added: MigrationFile[], runner: string): Finding[] {
	const after = new Map(next.map((r) => [r.id, r]));
	const groups = new Map<string, { error: string; tests: string[]; where: ReturnType<typeof blame> }>();
	for (const r of own) {
		const n = after.get(r.id);
		if (r.status !== "passed" || !n || n.status !== "failed") continue;
		const error = sqlError(n.error);
		const where = blame(error, added);
		const key = `${where?.file.name}:${where?.statement?.index}:${error}`;
		const g = groups.get(key) ?? { error, tests: [], where };
		g.tests.push(r.id);
		groups.set(key, g);
	}
	return [...groups.values()].map((g) => {
		const shown = g.tests.slice(0, 3).map((t) => `"${t}"`);
		const more = g.tests.length > 3 ? ` and ${g.tests.length - 3} more` : "";
		return finding(
			"old-test-fails",
			g.where?.file.name ?? added[0]?.name ?? null,
			g.where?.statement ?? null,
			`${g.tests.length} of the ref's db tests pass on its own migrations and fail on the new ones (${runner}) with: ${g.error}`,
			`the code paths these tests exercise, live while the migration runs: ${shown.join(", ")}${more}.`,
		);
	});
}

/** The most telling line of a test failure: SQLite's own message when there is one. */
function sqlError(message?: string): string {
	const text = message ?? "";
	// Drizzle wraps D1's error as "Failed query: <sql>\nparams: ..." and the cause is lost in the report.
	const failed = /Failed query:\s*([\s\S]*?)\nparams:/.exec(text);
	if (failed) return `Failed query: ${failed[1].replace(/\s+/g, " ").trim()}`.slice(0, 300);
	const lines = text.split("\n").map((l) => l.trim());
	const sql = lines.find((l) =>
		/no such (column|table)|has no column named|constraint failed|SQLITE_|D1_ERROR/i.test(l),
	);
	return (sql ?? lines[0] ?? "")
		.replace(/^(Error:\s*)+/, "")
		.replace(/^D1_ERROR:\s*/, "")
		.replace(/:\s*SQLITE_\w+$/, "")
		.slice(0, 300);
}

/**
 * Points a failing old test at the statement most likely to blame, from the
 * names in SQLite's error ("no such column: title", "NOT NULL constraint
 * failed: notes.body", ...).
 */
function blame(error: string, added: MigrationFile[]) {
	const names = [
		...error.matchAll(/(?:no such (?:column|table)|has no column named|constraint failed):?\s*([\w.]+)/gi),
	].flatMap((m) => m[1].split("."));
	// A failed query without SQLite's message: blame the tables it touches.
	for (const m of error.matchAll(/\b(?:INTO|FROM|UPDATE|JOIN)\s+[`"]?(\w+)/gi)) names.unshift(m[1]);
	for (const name of names.reverse()) {
		const hit = locate(added, (sql) => identifierPattern(name).test(sql));
		if (hit) return hit;
	}
	return null;
}

/**
 * Layer 3's run: the ref's db tests on its own migrations and on the ref's
 * plus the new ones, with whichever runner the ref allows. `error` when the
 * tests could not be run at all.
 */
export async function runOldTests(
	runner: Runner,
	worktree: string,
	input: GateInput,
	sandbox: Sandbox,
): Promise<{ findings: Finding[]; notes: string[]; error?: string }> {
	const { root, dir, oldFiles, next } = input;
	const notes: string[] = [];
	let own: TestResult[];
	let after: TestResult[];
	if (runner.kind === "command") {
		const command = runner.command ?? "";
		notes.push(`ran \`${command}\` in the ref's checkout twice (its own migrations, then with the new files added)`);
		const res = await runCommandTwice(command, worktree, input);
		if ("error" in res) return { findings: [], notes, error: res.error };
		own = [res.own];
		after = [res.next];
	} else if (runner.kind === "vitest") {
		notes.push("ran the ref's test/db vitest project twice (own migrations, then the work tree's)");
		// The work tree's folder holds the new files but also any edits to old ones; production
		// keeps the ref's copies, and layer 1 blocks edits anyway, so the folder is a fair stand-in.
		const [a, b] = await Promise.all([runVitest(worktree, null), runVitest(worktree, `${root}/${dir}`)]);
		if ("error" in a) return { findings: [], notes, error: a.error };
		own = a;
		after = "error" in b ? a.map((r) => ({ id: r.id, status: "failed" as const, error: b.error })) : b;
	} else {
		notes.push(
			`ran the ref's test/db/*.test.ts in workerd with the gate's vitest stand-in${runner.why ? ` (${runner.why})` : ""}`,
		);
		const res = await runInWorkerd(sandbox, oldFiles, next);
		if ("error" in res) return { findings: [], notes, error: res.error };
		own = res.own;
		after = res.next;
	}
	const passed = own.filter((r) => r.status === "passed").length;
	const failedOwn = own.filter((r) => r.status === "failed");
	notes.push(`${passed} of ${own.length} tests pass on the ref's own migrations`);
	if (failedOwn.length) notes.push(`${failedOwn.length} already fail there and are not judged`);
	return { findings: differential(own, after, next.slice(oldFiles.length), runner.kind), notes };
}

/**
 * Layer 3 for any repository (--test-command): runs the command in the ref's
 * checkout as it is, then again after copying the new migration files into
 * the checkout's migrations folder, so a test setup that applies that folder
 * (the vitest pool's readD1Migrations, a script calling wrangler) sees them
 * with no hook. KILN_MIGRATIONS_DIR names the folder of each run too. One
 * result per run: the command's exit code, and the tail of its output.
 */
async function runCommandTwice(
	command: string,
	worktree: string,
	input: GateInput,
): Promise<{ own: TestResult; next: TestResult } | { error: string }> {
	const folder = path.join(worktree, input.dir);
	const run = (): Promise<TestResult> =>
		new Promise((resolve) => {
			const env = { ...process.env, CI: "1", FORCE_COLOR: "0", KILN_MIGRATIONS_DIR: folder } as NodeJS.ProcessEnv;
			delete env.NODE_OPTIONS;
			execFile(
				"sh",
				["-c", command],
				{ cwd: worktree, env, timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024 },
				(err, stdout, stderr) =>
					resolve({
						id: `\`${command}\``,
						status: err ? "failed" : "passed",
						error: err ? lastLines(`${stdout}\n${stderr}`, 20) : undefined,
					}),
			);
		});
	const own = await run();
	if (own.status === "failed")
		return { error: `\`${command}\` already fails on the ref's own migrations:\n${own.error ?? ""}` };
	mkdirSync(folder, { recursive: true });
	for (const f of input.added) writeFileSync(path.join(folder, f.name), f.text);
	return { own, next: await run() };
}
