import type { GateInput } from "./gate-input";
import { introspect, type SchemaModel } from "./introspect";
import { bundleOldTests, chooseRunner, type Layer3Mode, type NoRunner, oldTestWorkers, type Runner } from "./old-tests";
import { type ApplyFailure, applyMigrations, Sandbox } from "./sandbox";
import type { Layer } from "./types";
import type { CouldNotRun } from "./verdict";
import { addWorktree, type Worktree } from "./worktree";

/**
 * Bundles of the ref's code kept between runs in one process, keyed by the
 * ref's git tree (same tree, same bundle). For the corpus and tests; the CLI
 * runs once and has no use for it.
 */
export type BundleCache = Map<string, Promise<unknown>>;

export function cached<T>(cache: BundleCache | undefined, key: string, make: () => Promise<T>): Promise<T> {
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
 * What layers 2–4 work on, built once per run: the ref checked out in a
 * temporary worktree, one workerd holding the gate's local D1 databases (and
 * the old tests' workers when the gate runs them itself), and the ref's and
 * the work tree's schemas built in two of them.
 */
export interface Workbench {
	input: GateInput;
	/** The ref's checkout, for layers 2 and 3 (null when neither runs). */
	worktree: Worktree | null;
	sandbox: Sandbox;
	/** How layer 3 runs the ref's db tests, or why it runs none; null when layer 3 was not requested. */
	runner: Runner | NoRunner | null;
	/** Why the ref's db tests cannot be run in workerd, when they cannot. */
	testsProblem: CouldNotRun | null;
	/** The ref's own migrations failing on local D1. */
	ownFailure: ApplyFailure | null;
	/** A new migration failing on the ref's schema (looked for only when the ref's own apply). */
	newFailure: ApplyFailure | null;
	oldSchema: SchemaModel;
	/** The schema after the new migrations; null when it could not be built. */
	newSchema: SchemaModel | null;
	cache?: BundleCache;
	close(): Promise<void>;
}

/** Databases of the sandbox, one per use, so that layers can run side by side. */
const DATABASES = ["OLD", "NEW", "SEED", "SEED2", "SCRATCH", "OWN", "NEXT"];

export async function openWorkbench(
	input: GateInput,
	want: Set<Layer>,
	layer3: Layer3Mode,
	cache?: BundleCache,
	testCommand?: string,
): Promise<Workbench> {
	let worktree: Worktree | null = null;
	let sandbox: Sandbox | null = null;
	try {
		if (want.has(2) || want.has(3)) worktree = addWorktree(input.root, input.commit);
		const runner = want.has(3) && worktree ? chooseRunner(input.root, input.commit, layer3, testCommand) : null;

		// One workerd for everything: the gate's databases, plus the old tests' workers when
		// the gate runs them itself. A bundle that cannot start must not take layers 2 and 4 with it.
		let bundle: string | null = null;
		let testsProblem: CouldNotRun | null = null;
		const cannot = (why: string, e: unknown) => ({ why, migration: null, statement: null, error: firstLine(e) });
		if (runner?.kind === "workerd" && worktree) {
			const dir = worktree.dir;
			try {
				bundle = await cached(cache, `tests:${input.tree}`, () => bundleOldTests(dir));
			} catch (e) {
				testsProblem = cannot("could not bundle the ref's db tests", e);
			}
		}
		try {
			sandbox = await Sandbox.start(DATABASES, bundle ? oldTestWorkers(bundle) : []);
		} catch (e) {
			if (!bundle) throw e;
			testsProblem = cannot("the ref's db tests do not start in workerd", e);
			sandbox = await Sandbox.start(DATABASES);
		}
		const sb = sandbox;

		const [oldDb, newDb] = await Promise.all([sb.db("OLD"), sb.db("NEW")]);
		const [ownFailure, nextFailure] = await Promise.all([
			applyMigrations(oldDb, input.oldFiles),
			applyMigrations(newDb, input.next),
		]);
		const newFailure = ownFailure ? null : nextFailure;
		const [oldSchema, newSchema] = await Promise.all([
			introspect(oldDb),
			ownFailure || newFailure ? null : introspect(newDb),
		]);
		const wt = worktree;
		return {
			input,
			worktree,
			sandbox: sb,
			runner,
			testsProblem,
			ownFailure,
			newFailure,
			oldSchema,
			newSchema,
			cache,
			async close() {
				await sb.dispose();
				wt?.remove();
			},
		};
	} catch (e) {
		await sandbox?.dispose();
		worktree?.remove();
		throw e;
	}
}

export function firstLine(e: unknown): string {
	return (e as Error).message.split("\n")[0];
}
