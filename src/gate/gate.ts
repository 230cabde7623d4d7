import { loadDeclaredSchema } from "./declared-schema";
import { finding } from "./findings";
import { git, repoRoot, resolveCommit } from "./git";
import { introspect } from "./introspect";
import { readMigrationsAt, readWorkTreeMigrations } from "./migration-files";
import {
	bundleOldTests,
	chooseRunner,
	differential,
	type Layer3Mode,
	oldTestWorkers,
	type Runner,
	runInWorkerd,
	runVitest,
	type TestResult,
} from "./old-tests";

import { rehearse, seed } from "./rehearsal";
import { applyMigrations, Sandbox } from "./sandbox";
import { schemaDiff } from "./schema-diff";
import { staticChecks } from "./static-checks";
import { type Finding, type GateReport, type Layer, type LayerReport, layerNames, type MigrationFile } from "./types";
import { addWorktree, type Worktree } from "./worktree";

export interface GateOptions {
	/** Any directory inside the repository whose work tree is judged. */
	cwd: string;
	/** The git ref whose code is live (the last deployed commit). */
	against: string;
	/** Migrations folder, relative to the repository root. */
	migrationsDir?: string;
	/** Layers to run; all four by default. */
	layers?: Layer[];
	/** How to run the ref's database tests (layer 3). */
	layer3?: Layer3Mode;
	/** Progress lines (the CLI prints them on stderr). */
	log?: (line: string) => void;
	/**
	 * Reuse bundles of the ref's code between runs in one process, keyed by the
	 * ref's git tree (same tree, same bundle). For the corpus and tests; the CLI
	 * runs once and has no use for it.
	 */
	cache?: Map<string, Promise<unknown>>;
}

function cached<T>(cache: Map<string, Promise<unknown>> | undefined, key: string, make: () => Promise<T>): Promise<T> {
	if (!cache) return make();
	let hit = cache.get(key) as Promise<T> | undefined;
	if (!hit) {
		hit = make();
		cache.set(key, hit);
		// A failure is not worth remembering: the next run may be different.
		hit.catch(() => cache.delete(key));
	}
	return hit;
}

/**
 * Judges every migration the work tree has and `against` lacks: is it safe
 * for `against`'s code? Throws UsageError for bad input; everything else
 * ends up in the report.
 */
export async function runGate(opts: GateOptions): Promise<GateReport> {
	try {
		return await runGateOnce(opts);
	} catch (e) {
		if (!lostWorkerd(e)) throw e;
		// workerd died under us (a crash, the OS reclaiming memory): that says nothing about the
		// migrations, so the gate runs again once before giving up.
		opts.log?.(`lost the connection to workerd (${(e as Error).message}); running the gate again`);
		return runGateOnce(opts);
	}
}

export function lostWorkerd(e: unknown): boolean {
	const err = e as { name?: string; message?: string; stack?: string; cause?: { code?: string; message?: string } };
	const text = `${err?.message ?? ""} ${err?.cause?.code ?? ""} ${err?.cause?.message ?? ""}`;
	if (/fetch failed|UND_ERR_SOCKET|other side closed|ECONNREFUSED|ECONNRESET/.test(text)) return true;
	// Miniflare's own proxy between Node and workerd occasionally fails one of its
	// internal assertions while decoding a request (seen once, in a corpus case,
	// during a full CI run): a fault of the tool, not a finding about the SQL.
	return (
		err?.name === "AssertionError" && /miniflare\/dist\/src\/workers\/core\/entry\.worker\.js/.test(err.stack ?? "")
	);
}

async function runGateOnce(opts: GateOptions): Promise<GateReport> {
	const started = performance.now();
	const log = opts.log ?? (() => {});
	const dir = opts.migrationsDir ?? "migrations";
	const want = new Set<Layer>(opts.layers ?? [1, 2, 3, 4]);
	const root = repoRoot(opts.cwd);
	const commit = resolveCommit(root, opts.against);
	const tree = git(root, ["rev-parse", `${commit}^{tree}`]).trim();
	const oldFiles = readMigrationsAt(root, commit, opts.against, dir);
	const files = readWorkTreeMigrations(root, dir);
	const oldNames = new Set(oldFiles.map((f) => f.name));
	const added = files.filter((f) => !oldNames.has(f.name));
	// Production has the ref's files applied exactly as the ref has them, then the new ones.
	const next = [...oldFiles, ...added];

	const findings: Finding[] = [];
	const layers: LayerReport[] = [];
	/** Runs one layer with its own findings, so that layers can run side by side. */
	const layer = async (
		n: Layer,
		body: (notes: string[], add: (fs: Finding[]) => void) => Promise<"not-applicable" | undefined>,
		startedAt = performance.now(),
	) => {
		const t0 = startedAt;
		const notes: string[] = [];
		if (!want.has(n)) {
			layers.push({ layer: n, name: layerNames[n], status: "skipped", notes: ["not requested"], ms: 0 });
			return;
		}
		const own: Finding[] = [];
		const result = await body(notes, (fs) => own.push(...fs.map((f) => allow(f, added))));
		findings.push(...own);
		const status = result ?? (own.some((f) => !f.allowed) ? "blocked" : "passed");
		layers.push({ layer: n, name: layerNames[n], status, notes, ms: Math.round(performance.now() - t0) });
		log(`layer ${n} (${layerNames[n]}): ${status}${notes.length ? ` (${notes.join("; ")})` : ""}`);
	};

	log(
		`${added.length} new migration(s) against ${opts.against} (${commit.slice(0, 12)}): ${added.map((f) => f.name).join(", ") || "none"}`,
	);
	await layer(1, async (_notes, add) => {
		add(staticChecks(oldFiles, files, added));
		return undefined;
	});

	if (added.length === 0) {
		for (const n of [2, 3, 4] as Layer[]) {
			layers.push({ layer: n, name: layerNames[n], status: "not-applicable", notes: ["no new migrations"], ms: 0 });
		}
		return report();
	}

	let worktree: Worktree | null = null;
	let sandbox: Sandbox | null = null;
	try {
		if (want.has(2) || want.has(3)) worktree = addWorktree(root, commit);
		const wt = worktree;
		const runner = want.has(3) && wt ? chooseRunner(root, commit, opts.layer3 ?? "auto") : null;

		// One workerd for everything: the gate's databases, plus the old tests' workers when
		// the gate runs them itself. A bundle that cannot start must not take layers 2 and 4 with it.
		let bundle: string | null = null;
		let layer3Problem: string | null = null;
		if (runner?.kind === "workerd" && wt) {
			try {
				bundle = await cached(opts.cache, `tests:${tree}`, () => bundleOldTests(wt.dir));
			} catch (e) {
				layer3Problem = `could not bundle the ref's db tests: ${(e as Error).message.split("\n")[0]}`;
			}
		}
		const databases = ["OLD", "NEW", "SEED", "SEED2", "SCRATCH", "OWN", "NEXT"];
		try {
			sandbox = await Sandbox.start(databases, bundle ? oldTestWorkers(bundle) : []);
		} catch (e) {
			if (!bundle) throw e;
			layer3Problem = `the ref's db tests do not start in workerd: ${(e as Error).message.split("\n")[0]}`;
			bundle = null;
			sandbox = await Sandbox.start(databases);
		}
		const sb = sandbox;

		const [oldDb, newDb] = await Promise.all([sb.db("OLD"), sb.db("NEW")]);
		const [ownFailure, newFailure] = await Promise.all([
			applyMigrations(oldDb, oldFiles),
			applyMigrations(newDb, next),
		]);
		const failure = ownFailure ? null : newFailure;
		const [oldSchema, newSchema] = await Promise.all([introspect(oldDb), failure ? null : introspect(newDb)]);
		const problem = ownFailure
			? `the ref's own migrations do not apply (${ownFailure.file.name}: ${ownFailure.error})`
			: failure
				? `${failure.file.name} does not apply`
				: null;

		// Layer 3 runs in child processes or its own workers: start it first, judge the rest meanwhile.
		const layer3Start = performance.now();
		const layer3 =
			runner && wt && !problem && !layer3Problem
				? runOldTests(runner, wt.dir, root, dir, oldFiles, next, sb).catch((e: Error) => ({
						findings: [],
						notes: [`the ref's db tests could not be run: ${e.message.split("\n")[0]}`],
						error: true,
					}))
				: null;

		const layer2 = layer(2, async (notes, add) => {
			if (failure) {
				add([
					finding(
						"migration-fails",
						failure.file.name,
						failure.statement,
						`${failure.file.name} fails on the ref's schema: ${failure.error}`,
						"the deploy itself: D1 rolls this file back and keeps the earlier ones applied, leaving production between schemas.",
					),
				]);
				return undefined;
			}
			if (ownFailure || !newSchema || !wt) {
				notes.push(problem ?? "no worktree");
				return "not-applicable";
			}
			const declared = await cached(opts.cache, `schema:${tree}:${dir}`, () =>
				loadDeclaredSchema(wt.dir, oldSchema, dir),
			);
			notes.push(`declared schema from ${declared.source}`);
			add(await schemaDiff(oldSchema, newSchema, declared, added, await sb.db("SCRATCH")));
			return undefined;
		});

		const layer4 = layer(4, async (notes, add) => {
			if (problem || !newSchema) {
				notes.push(problem ?? "new schema unavailable");
				return "not-applicable";
			}
			// The ref's migrations applied fine to OLD a moment ago; should this copy fail anyway
			// (seen once under heavy load), a second fresh database gets one more try.
			let db = await sb.db("SEED");
			let seedFailure = await applyMigrations(db, oldFiles);
			if (seedFailure) {
				notes.push(`retried building the ref's schema: ${seedFailure.file.name}: ${seedFailure.error}`);
				db = await sb.db("SEED2");
				seedFailure = await applyMigrations(db, oldFiles);
			}
			if (seedFailure) {
				notes.push(
					`could not build the ref's schema for the rehearsal: ${seedFailure.file.name}: ${seedFailure.error}`,
				);
				return "not-applicable";
			}
			await seed(db, oldSchema);
			const { findings: fs, applyError, before } = await rehearse(db, oldSchema, newSchema, added, "generated rows");
			const empty = [...before.rows].filter(([, n]) => n === 0).map(([t]) => t);
			notes.push(
				`${oldSchema.tables.size - empty.length} of ${oldSchema.tables.size} tables seeded with generated rows`,
			);
			if (empty.length) notes.push(`could not generate rows for ${empty.join(", ")}`);
			if (applyError) {
				add([
					finding(
						"migration-fails-on-data",
						applyError.file,
						applyError.statement,
						`${applyError.file} fails on a database holding the ref's data: ${applyError.error}`,
						"the deploy: existing rows written by the ref's code violate the new schema, so D1 rolls the file back mid-deploy.",
					),
				]);
			}
			add(fs);
			return undefined;
		});

		await Promise.all([layer2, layer4]);
		await layer(
			3,
			async (notes, add) => {
				if (!layer3) {
					notes.push(
						problem ??
							layer3Problem ??
							(runner === null
								? "the ref has no test/db/*.test.ts (or, with --layer3 vitest, no KILN_MIGRATIONS_DIR hook)"
								: "no worktree"),
					);
					return "not-applicable";
				}
				const outcome = await layer3;
				notes.push(...outcome.notes);
				if (outcome.error) return "not-applicable";
				add(outcome.findings);
				return undefined;
			},
			layer3 ? layer3Start : undefined,
		);
	} finally {
		await sandbox?.dispose();
		worktree?.remove();
	}
	return report();

	function report(): GateReport {
		layers.sort((a, b) => a.layer - b.layer);
		findings.sort((a, b) => a.layer - b.layer);
		return {
			against: { ref: opts.against, commit },
			newMigrations: added.map((f) => f.name),
			findings,
			layers,
			safe: findings.every((f) => f.allowed),
			ms: Math.round(performance.now() - started),
		};
	}
}

/** Marks a finding allowed when a new migration carries `-- kiln-gate: allow <rule> -- <reason>` for it. */
function allow(f: Finding, added: MigrationFile[]): Finding {
	// Layers 3 and 4 blame a statement by inference, so their exception may sit in any new file.
	const candidates = f.layer >= 3 ? added : added.filter((m) => m.name === f.migration);
	for (const m of candidates) {
		const a = m.allows.find((x) => x.rule === f.rule);
		if (a && !f.rule.startsWith("allow-annotation")) return { ...f, allowed: { reason: a.reason, line: a.line } };
	}
	return f;
}

async function runOldTests(
	runner: Runner,
	wt: string,
	root: string,
	dir: string,
	oldFiles: MigrationFile[],
	next: MigrationFile[],
	sandbox: Sandbox,
): Promise<{ findings: Finding[]; notes: string[]; error?: boolean }> {
	const notes: string[] = [];
	let own: TestResult[];
	let after: TestResult[];
	if (runner.kind === "vitest") {
		notes.push("ran the ref's test/db vitest project twice (own migrations, then the work tree's)");
		// The work tree's folder holds the new files but also any edits to old ones; production
		// keeps the ref's copies, and layer 1 blocks edits anyway, so the folder is a fair stand-in.
		const [a, b] = await Promise.all([runVitest(wt, null), runVitest(wt, `${root}/${dir}`)]);
		if ("error" in a)
			return { findings: [], notes: [...notes, `the ref's db tests do not run: ${a.error}`], error: true };
		own = a;
		after = "error" in b ? a.map((r) => ({ id: r.id, status: "failed" as const, error: b.error })) : b;
	} else {
		notes.push(
			`ran the ref's test/db/*.test.ts in workerd with the gate's vitest stand-in${runner.why ? ` (${runner.why})` : ""}`,
		);
		const res = await runInWorkerd(sandbox, oldFiles, next);
		if ("error" in res) return { findings: [], notes: [...notes, res.error], error: true };
		own = res.own;
		after = res.next;
	}
	const passed = own.filter((r) => r.status === "passed").length;
	const failedOwn = own.filter((r) => r.status === "failed");
	notes.push(`${passed} of ${own.length} tests pass on the ref's own migrations`);
	if (failedOwn.length) notes.push(`${failedOwn.length} already fail there and are not judged`);
	return { findings: differential(own, after, next.slice(oldFiles.length), runner.kind), notes };
}
