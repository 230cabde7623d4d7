import { finding } from "./findings";
import type { GateInput } from "./gate-input";
import { couldNotRunRule } from "./rules";
import {
	type Finding,
	type GateReport,
	type Layer,
	type LayerReport,
	type LayerStatus,
	layerNames,
	type MigrationFile,
	type Statement,
} from "./types";

/** Why a layer that should have judged could not: what failed, where, and the error it gave. */
export interface CouldNotRun {
	why: string;
	migration: string | null;
	statement: Statement | null;
	error: string;
}

/** How one layer ended: judged (with its findings), nothing to judge by design, or could not run. */
export type LayerOutcome =
	| { notes: string[]; findings: Finding[] }
	| { notes: string[]; nothingToJudge: string }
	| { notes: string[]; couldNotRun: CouldNotRun };

/**
 * Collects the layers' outcomes into the report: applies the reviewed
 * exceptions to each layer's findings, gives each layer its status and time,
 * and decides whether the new migrations are safe. A layer that could not run
 * is a finding of its own: the gate fails closed, and only a reviewed
 * exception lets an unjudged layer pass. Layers may finish in any order
 * (layer 3 runs beside 2 and 4); the report sorts them.
 */
export class Verdict {
	private readonly findings: Finding[] = [];
	private readonly layers: LayerReport[] = [];
	private nothingNew = false;

	constructor(
		private readonly input: GateInput,
		private readonly want: Set<Layer>,
		private readonly log: (line: string) => void,
		/** When the run began (performance.now()), for the report's total time. */
		private readonly started: number,
		/** Deploy risks block too (--strict); by default they are reported and do not block. */
		private readonly strict = false,
	) {}

	/** Whether a finding stops the deploy: any unallowed break of the old code; a deploy risk only with --strict. */
	blocks(f: Finding): boolean {
		return !f.allowed && (f.severity === "breaks-old-code" || this.strict);
	}

	/** Runs layer `n` unless it was not requested; `startedAt` for a layer that began earlier, in the background. */
	async layer(n: Layer, body: () => Promise<LayerOutcome>, startedAt = performance.now()): Promise<void> {
		if (!this.want.has(n)) {
			this.push(n, "skipped", false, ["not requested"], 0);
			return;
		}
		const outcome = await body();
		const notes = [...outcome.notes];
		let status: LayerStatus;
		if ("nothingToJudge" in outcome) {
			notes.push(outcome.nothingToJudge);
			status = "not-applicable";
		} else {
			const raw = "couldNotRun" in outcome ? [couldNotRunFinding(n, outcome.couldNotRun)] : outcome.findings;
			const own = raw.map((f) => allow(f, this.input.added));
			this.findings.push(...own);
			if ("couldNotRun" in outcome) {
				notes.push(describe(outcome.couldNotRun));
				status = "could-not-run";
			} else status = own.some((f) => this.blocks(f)) ? "blocked" : "passed";
		}
		this.push(n, status, status === "passed" || status === "blocked", notes, performance.now() - startedAt);
		this.log(`layer ${n} (${layerNames[n]}): ${status}${notes.length ? ` (${notes.join("; ")})` : ""}`);
	}

	/** Layers with nothing to judge at all: the work tree has no new migrations. */
	noNewMigrations(layers: Layer[]): void {
		this.nothingNew = true;
		for (const n of layers) this.push(n, "not-applicable", false, ["no new migrations"], 0);
	}

	report(): GateReport {
		this.layers.sort((a, b) => a.layer - b.layer);
		this.findings.sort((a, b) => a.layer - b.layer);
		const judged = this.layers.filter((l) => l.judged).map((l) => l.layer);
		return {
			against: { ref: this.input.ref, commit: this.input.commit },
			newMigrations: this.input.added.map((f) => f.name),
			findings: this.findings,
			layers: this.layers,
			safe: !this.findings.some((f) => this.blocks(f)),
			strict: this.strict,
			// With no new migrations only layer 1 has anything to look at (edits to the ref's files).
			verified: this.nothingNew ? judged.includes(1) : judged.length === 4,
			ms: Math.round(performance.now() - this.started),
		};
	}

	private push(n: Layer, status: LayerStatus, judged: boolean, notes: string[], ms: number): void {
		this.layers.push({ layer: n, name: layerNames[n], status, judged, notes, ms: Math.round(ms) });
	}
}

function couldNotRunFinding(n: Layer, c: CouldNotRun): Finding {
	if (n === 1) throw new Error("layer 1 needs no database and always runs");
	return finding(
		couldNotRunRule[n],
		c.migration,
		c.statement,
		`layer ${n} (${layerNames[n]}) could not judge the new migrations: ${describe(c)}`,
		`unknown, and that is the point: this layer's check did not happen, so nothing it looks for (${layerCatches[n]}) has been ruled out.`,
	);
}

/** "why (file, statement n): error" */
function describe(c: CouldNotRun): string {
	const where = c.migration ? ` (${c.migration}${c.statement ? `, statement ${c.statement.index}` : ""})` : "";
	return `${c.why}${where}: ${c.error}`;
}

const layerCatches: Record<2 | 3 | 4, string> = {
	2: "dropped, renamed or tightened columns and tables the ref's code declares",
	3: "queries of the ref's code that fail on the new schema",
	4: "rows and values lost to the migration, or a migration that fails on existing data",
};

/** Marks a finding allowed when a new migration carries `-- kiln-gate: allow <rule> -- <reason>` for it. */
function allow(f: Finding, added: MigrationFile[]): Finding {
	// Layers 3 and 4 blame a statement by inference, and a layer that could not run may have been
	// stopped by one of the ref's own files (which must not be edited): their exception may sit in any new file.
	const anyNewFile = f.layer >= 3 || Object.values<string>(couldNotRunRule).includes(f.rule);
	const candidates = anyNewFile ? added : added.filter((m) => m.name === f.migration);
	for (const m of candidates) {
		const a = m.allows.find((x) => x.rule === f.rule);
		if (a && !f.rule.startsWith("allow-annotation")) return { ...f, allowed: { reason: a.reason, line: a.line } };
	}
	return f;
}
