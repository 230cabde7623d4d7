/**
 * Layers 2–4 as the gate runs them: each takes the workbench (the ref's
 * checkout and the local D1 databases built from both sides) and says how it
 * ended. The judging itself lives in schema-diff.ts, old-tests.ts and
 * rehearsal.ts; this is where each layer decides whether it can judge at all.
 */
import { loadDeclaredSchema } from "./declared-schema";
import { finding } from "./findings";
import { runOldTests } from "./old-tests";
import { rehearse, seed } from "./rehearsal";
import { applyMigrations } from "./sandbox";
import { schemaDiff } from "./schema-diff";
import type { LayerOutcome } from "./verdict";
import { cached, firstLine, type Workbench } from "./workbench";

/** Layer 2: the schema diff, judged against what the ref's code declares. */
export async function judgeSchemaDiff(wb: Workbench): Promise<LayerOutcome> {
	const { input, newFailure, newSchema, worktree } = wb;
	if (newFailure) {
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
	if (wb.ownFailure || !newSchema || !worktree)
		return { notes: [wb.schemaProblem ?? "no worktree"], notApplicable: true };
	const declared = await cached(wb.cache, `schema:${input.tree}:${input.dir}`, () =>
		loadDeclaredSchema(worktree.dir, wb.oldSchema, input.dir),
	);
	const findings = await schemaDiff(wb.oldSchema, newSchema, declared, input.added, await wb.sandbox.db("SCRATCH"));
	return { findings, notes: [`declared schema from ${declared.source}`] };
}

/**
 * Layer 3, started before the others because it runs in child processes or
 * its own workers: the ref's db tests on its own schema, then on the new one.
 */
export function startOldTests(wb: Workbench): Promise<LayerOutcome> {
	const { runner, worktree, input } = wb;
	if (!runner || !worktree || wb.schemaProblem || wb.testsProblem) {
		const why =
			wb.schemaProblem ??
			wb.testsProblem ??
			(runner === null
				? "the ref has no test/db/*.test.ts (or, with --layer3 vitest, no KILN_MIGRATIONS_DIR hook)"
				: "no worktree");
		return Promise.resolve({ notes: [why], notApplicable: true });
	}
	return runOldTests(runner, worktree.dir, input, wb.sandbox).then(
		(outcome): LayerOutcome =>
			outcome.error
				? { notes: outcome.notes, notApplicable: true }
				: { findings: outcome.findings, notes: outcome.notes },
		(e: unknown): LayerOutcome => ({
			notes: [`the ref's db tests could not be run: ${firstLine(e)}`],
			notApplicable: true,
		}),
	);
}

/** Layer 4: the ref's schema filled with generated rows, then the new migrations applied to it. */
export async function judgeRehearsal(wb: Workbench): Promise<LayerOutcome> {
	const { input, oldSchema, newSchema, sandbox } = wb;
	if (wb.schemaProblem || !newSchema) {
		return { notes: [wb.schemaProblem ?? "new schema unavailable"], notApplicable: true };
	}
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
		notes.push(`could not build the ref's schema for the rehearsal: ${seedFailure.file.name}: ${seedFailure.error}`);
		return { notes, notApplicable: true };
	}
	await seed(db, oldSchema);
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
