import type { GateReport, Layer } from "../../src/gate/types";

/** Rules of the findings that stop the deploy: unallowed breaks of the old code (deploy risks do not, without --strict). */
export const blocking = (r: GateReport) => [
	...new Set(r.findings.filter((f) => !f.allowed && (f.severity === "breaks-old-code" || r.strict)).map((f) => f.rule)),
];

/** Rules of the deploy risks the report carries (allowed or not). */
export const deployRisks = (r: GateReport) => [
	...new Set(r.findings.filter((f) => f.severity === "deploy-risk").map((f) => f.rule)),
];

/**
 * Prints a corpus's recall (breaking cases blocked) and false-positive rate
 * (safe cases blocked), with each layer's share of the blocks, for the
 * outcomes one test file collected (a file may hold only one kind).
 */
export function printRates(corpus: string, outcomes: { expect: "breaking" | "safe"; report: GateReport }[]) {
	if (outcomes.length === 0) return;
	const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");
	const lines = [""];
	for (const kind of ["breaking", "safe"] as const) {
		const mine = outcomes.filter((o) => o.expect === kind);
		if (mine.length === 0) continue;
		const blocked = mine.filter((o) => !o.report.safe).length;
		lines.push(
			kind === "breaking"
				? `migration gate, ${corpus} corpus: recall ${blocked}/${mine.length} breaking cases blocked = ${pct(blocked, mine.length)}`
				: `migration gate, ${corpus} corpus: false-positive rate ${blocked}/${mine.length} safe cases blocked = ${pct(blocked, mine.length)}`,
			`  per layer (${kind} cases each layer blocks on its own findings):`,
		);
		for (const layer of [1, 2, 3, 4] as Layer[]) {
			const n = mine.filter((o) => o.report.layers.find((l) => l.layer === layer)?.status === "blocked").length;
			lines.push(`    layer ${layer}: ${n}/${mine.length} (${pct(n, mine.length)})`);
		}
	}
	console.log(lines.join("\n"));
}
