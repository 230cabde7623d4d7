import type { GateInput } from "./gate-input";
import { type Finding, type GateReport, type Layer, type LayerReport, layerNames, type MigrationFile } from "./types";

/** How one layer ended. */
export interface LayerOutcome {
	findings?: Finding[];
	notes: string[];
	/** The layer did not judge (the notes say why). */
	notApplicable?: true;
}

/**
 * Collects the layers' outcomes into the report: applies the reviewed
 * exceptions to each layer's findings, gives each layer its status and time,
 * and decides whether the new migrations are safe. Layers may finish in any
 * order (layer 3 runs beside 2 and 4); the report sorts them.
 */
export class Verdict {
	private readonly findings: Finding[] = [];
	private readonly layers: LayerReport[] = [];

	constructor(
		private readonly input: GateInput,
		private readonly want: Set<Layer>,
		private readonly log: (line: string) => void,
		/** When the run began (performance.now()), for the report's total time. */
		private readonly started: number,
	) {}

	/** Runs layer `n` unless it was not requested; `startedAt` for a layer that began earlier, in the background. */
	async layer(n: Layer, body: () => Promise<LayerOutcome>, startedAt = performance.now()): Promise<void> {
		if (!this.want.has(n)) {
			this.layers.push({ layer: n, name: layerNames[n], status: "skipped", notes: ["not requested"], ms: 0 });
			return;
		}
		const outcome = await body();
		const own = (outcome.findings ?? []).map((f) => allow(f, this.input.added));
		this.findings.push(...own);
		const status = outcome.notApplicable ? "not-applicable" : own.some((f) => !f.allowed) ? "blocked" : "passed";
		const notes = outcome.notes;
		this.layers.push({ layer: n, name: layerNames[n], status, notes, ms: Math.round(performance.now() - startedAt) });
		this.log(`layer ${n} (${layerNames[n]}): ${status}${notes.length ? ` (${notes.join("; ")})` : ""}`);
	}

	/** Layers with nothing to judge at all (no new migrations). */
	nothingNew(layers: Layer[]): void {
		for (const n of layers) {
			this.layers.push({
				layer: n,
				name: layerNames[n],
				status: "not-applicable",
				notes: ["no new migrations"],
				ms: 0,
			});
		}
	}

	report(): GateReport {
		this.layers.sort((a, b) => a.layer - b.layer);
		this.findings.sort((a, b) => a.layer - b.layer);
		return {
			against: { ref: this.input.ref, commit: this.input.commit },
			newMigrations: this.input.added.map((f) => f.name),
			findings: this.findings,
			layers: this.layers,
			safe: this.findings.every((f) => f.allowed),
			ms: Math.round(performance.now() - this.started),
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
