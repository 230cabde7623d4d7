/**
 * Layers 2–4 as the gate runs them: each takes the workbench (the ref's
 * checkout and the local D1 databases built from both sides) and says how it
 * ended. The judging itself lives in schema-diff.ts, old-tests.ts and
 * rehearsal.ts; this is where each layer decides whether it can judge at all,
 * and a layer that should judge and cannot says exactly what stopped it.
 */
import { type DeclaredSchema, loadDeclaredSchema } from "./declared-schema";
import { finding } from "./findings";
import { runOldTests } from "./old-tests";
import { type CodeInvariants, rehearse, seed } from "./rehearsal";
import { type ApplyFailure, applyMigrations } from "./sandbox";
import { schemaDiff } from "./schema-diff";
import type { CouldNotRun, LayerOutcome } from "./verdict";
import { cached, firstLine, type Workbench } from "./workbench";

const declaredMemo = new WeakMap<Workbench, Promise<DeclaredSchema | null>>();

/** What the ref's code declares, loaded once per run for layers 2 and 4 (null without the ref's checkout). */
function declaredSchema(wb: Workbench): Promise<DeclaredSchema | null> {
	let hit = declaredMemo.get(wb);
	if (!hit) {
		const { input, worktree } = wb;
		hit = worktree
			? cached(wb.cache, `schema:${input.tree}:${input.dir}:${input.schema ?? ""}`, () =>
					loadDeclaredSchema(worktree.dir, wb.oldSchema, input.dir, input.schema),
				)
			: Promise.resolve(null);
		declaredMemo.set(wb, hit);
	}
	return hit;
}

/** What the ref's code keeps true of its rows: columns its Drizzle schema says are never NULL. */
function codeInvariants(declared: DeclaredSchema | null): CodeInvariants {
	const out: CodeInvariants = new Map();
	// Only a real Drizzle schema says more than the database; the fallbacks say the same or nothing.
	if (!declared?.source.includes("(Drizzle")) return out;
	for (const t of declared.tables.values())
		out.set(t.name, new Set(t.columns.filter((c) => c.notNull || c.hasDefault).map((c) => c.name)));
	return out;
}

/** A migration that would not apply, as the cause of a layer that could not run. */
function replayFailed(why: string, f: ApplyFailure): CouldNotRun {
	return { why, migration: f.file.name, statement: f.statement, error: f.error };
}

/**
 * Why the new schema could not be built, when it could not. The ref's own
 * migrations failing here (they applied in production, but local D1 refuses
 * them, e.g. CREATE TEMPORARY TABLE) leaves every database layer without
 * a schema to judge on.
 */
function schemaProblem(wb: Workbench): CouldNotRun | null {
	if (wb.ownFailure) return replayFailed("the ref's own migrations do not replay on local D1", wb.ownFailure);
	if (wb.newFailure) return replayFailed("a new migration does not apply to the ref's schema", wb.newFailure);
	return null;
}

/** Layer 2: the schema diff, judged against what the ref's code declares. */
export async function judgeSchemaDiff(wb: Workbench): Promise<LayerOutcome> {
	const { input, newFailure, newSchema, worktree } = wb;
	if (newFailure) {
		// A verdict of its own: the file would fail in production too.
		const findings = [
			finding(
				"migration-fails",
				newFailure.file.name,
				newFailure.statement,
				`${newFailure.file.name} fails on the ref's schema: ${newFailure.error}`,
				"the deploy itself: D1 rolls this file back and keeps the earlier ones applied, leaving production between schemas.",
			),
		];
		return { findings, notes: [] };
	}
	const problem = schemaProblem(wb);
	if (problem) return { notes: [], couldNotRun: problem };
	if (!newSchema || !worktree) throw new Error("layer 2 ran without the new schema or the ref's checkout");
	const declared = await declaredSchema(wb);
	if (!declared) throw new Error("layer 2 ran without the ref's checkout");
	const findings = await schemaDiff(wb.oldSchema, newSchema, declared, input.added, await wb.sandbox.db("SCRATCH"));
	return { findings, notes: [`declared schema from ${declared.source}`] };
}

/**
 * Layer 3, started before the others because it runs in child processes or
 * its own workers: the ref's db tests on its own schema, then on the new one.
 */
export async function startOldTests(wb: Workbench): Promise<LayerOutcome> {
	const { runner, worktree, input } = wb;
	if (runner === null || runner.kind === "none") return { notes: [], nothingToJudge: runner?.why ?? "not requested" };
	const cannot = (why: string, error: string): LayerOutcome => ({
		notes: [],
		couldNotRun: { why, migration: null, statement: null, error },
	});
	if (runner.kind === "unavailable") return cannot("the ref's db tests cannot be run", runner.why);
	const problem = schemaProblem(wb) ?? wb.testsProblem;
	if (problem) return { notes: [], couldNotRun: problem };
	if (!worktree) throw new Error("layer 3 ran without the ref's checkout");
	try {
		const outcome = await runOldTests(runner, worktree.dir, input, wb.sandbox);
		if (outcome.error === undefined) return { findings: outcome.findings, notes: outcome.notes };
		return { ...cannot("the ref's db tests do not run", outcome.error), notes: outcome.notes };
	} catch (e) {
		return cannot("the ref's db tests could not be run", firstLine(e));
	}
}

/** Layer 4: the ref's schema filled with generated rows, then the new migrations applied to it. */
export async function judgeRehearsal(wb: Workbench): Promise<LayerOutcome> {
	const { input, oldSchema, newSchema, sandbox } = wb;
	const problem = schemaProblem(wb);
	if (problem) return { notes: [], couldNotRun: problem };
	if (!newSchema) throw new Error("layer 4 ran without the new schema");
	const notes: string[] = [];
	// The ref's migrations applied fine to OLD a moment ago; should this copy fail anyway
	// (seen once under heavy load), a second fresh database gets one more try.
	let db = await sandbox.db("SEED");
	let seedFailure = await applyMigrations(db, input.oldFiles);
	if (seedFailure) {
		notes.push(`retried building the ref's schema: ${seedFailure.file.name}: ${seedFailure.error}`);
		db = await sandbox.db("SEED2");
		seedFailure = await applyMigrations(db, input.oldFiles);
	}
	if (seedFailure) {
		return { notes, couldNotRun: replayFailed("could not build the ref's schema for the rehearsal", seedFailure) };
	}
	await seed(db, oldSchema, codeInvariants(await declaredSchema(wb).catch(() => null)));
	const { findings, applyError, before } = await rehearse(db, oldSchema, newSchema, input.added, "generated rows");
	const empty = [...before.rows].filter(([, n]) => n === 0).map(([t]) => t);
	notes.push(`${oldSchema.tables.size - empty.length} of ${oldSchema.tables.size} tables seeded with generated rows`);
	if (empty.length) notes.push(`could not generate rows for ${empty.join(", ")}`);
	if (applyError) {
		findings.unshift(
			finding(
				"migration-fails-on-data",
				applyError.file,
				applyError.statement,
				`${applyError.file} fails on a database holding the ref's data: ${applyError.error}`,
				"the deploy: existing rows written by the ref's code violate the new schema, so D1 rolls the file back mid-deploy.",
			),
		);
	}
	return { findings, notes };
}
