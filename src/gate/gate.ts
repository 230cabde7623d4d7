import { durableObjectChecks } from "./durable-objects";
import { readGateInput } from "./gate-input";
import { judgeRehearsal, judgeSchemaDiff, startOldTests } from "./layers";
import type { Layer3Mode } from "./old-tests";
import { staticChecks } from "./static-checks";
import type { GateReport, Layer } from "./types";
import { Verdict } from "./verdict";
import { type BundleCache, openWorkbench } from "./workbench";

export interface GateOptions {
	/** Any directory inside the repository whose work tree is judged. */
	cwd: string;
	/** The git ref whose code is live (the last deployed commit). */
	against: string;
	/** Migrations folder, relative to the repository root. */
	migrationsDir?: string;
	/** The ref's Drizzle schema file, relative to the repository root (default: drizzle.config's, else src/db/schema.ts). */
	schema?: string;
	/** Layers to run; all four by default. */
	layers?: Layer[];
	/** How to run the ref's database tests (layer 3). */
	layer3?: Layer3Mode;
	/** Layer 3 as a shell command run in the ref's checkout (any repository's own test command). */
	testCommand?: string;
	/** Progress lines (the CLI prints them on stderr). */
	log?: (line: string) => void;
	/** Deploy risks block too (exit 1), not only breaks of the old code. */
	strict?: boolean;
	/** Reuse bundles of the ref's code between runs in one process (see BundleCache). */
	cache?: BundleCache;
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

/** One run: read both sides, layer 1 on the files, then layers 2–4 on the workbench. */
async function runGateOnce(opts: GateOptions): Promise<GateReport> {
	const started = performance.now();
	const log = opts.log ?? (() => {});
	const input = readGateInput(opts.cwd, opts.against, opts.migrationsDir, opts.schema);
	const want = new Set<Layer>(opts.layers ?? [1, 2, 3, 4]);
	const verdict = new Verdict(input, want, log, started, opts.strict ?? false);
	const { added, oldFiles, files } = input;
	log(
		`${added.length} new migration(s) against ${opts.against} (${input.commit.slice(0, 12)}): ${added.map((f) => f.name).join(", ") || "none"}`,
	);

	await verdict.layer(1, async () => {
		const sql = staticChecks(oldFiles, files, added);
		// The class guard: wrangler configs that would delete a Durable Object class's data.
		const classes = durableObjectChecks(input.root, input.commit);
		return { findings: [...sql.findings, ...classes.findings], notes: [...sql.notes, ...classes.notes] };
	});
	if (added.length === 0) {
		verdict.noNewMigrations([2, 3, 4]);
		return verdict.report();
	}

	const wb = await openWorkbench(input, want, opts.layer3 ?? "auto", opts.cache, opts.testCommand);
	try {
		// Layer 3 runs in child processes or its own workers: start it first, judge the rest meanwhile.
		const layer3Start = performance.now();
		const layer3 = startOldTests(wb);
		await Promise.all([verdict.layer(2, () => judgeSchemaDiff(wb)), verdict.layer(4, () => judgeRehearsal(wb))]);
		await verdict.layer(3, () => layer3, layer3Start);
	} finally {
		await wb.close();
	}
	return verdict.report();
}
