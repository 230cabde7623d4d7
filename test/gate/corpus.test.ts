import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import type { GateReport, Layer } from "../../src/gate/types";
import { buildCase, type CorpusCase, loadCases } from "./corpus";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-corpus-"));
const breaking = loadCases("breaking");
const safe = loadCases("safe");
const outcomes: { c: CorpusCase; report: GateReport }[] = [];

async function judge(c: CorpusCase): Promise<GateReport> {
	const report = await runGate({ cwd: buildCase(c, parent), against: "deployed" });
	outcomes.push({ c, report });
	return report;
}

const blocking = (r: GateReport) => [...new Set(r.findings.filter((f) => !f.allowed).map((f) => f.rule))];

describe("the corpus is big enough to mean something", () => {
	it("has at least 30 breaking and 30 safe cases", () => {
		expect(breaking.length).toBeGreaterThanOrEqual(30);
		expect(safe.length).toBeGreaterThanOrEqual(30);
	});
});

describe.concurrent("breaking migrations are blocked", () => {
	for (const c of breaking) {
		it(`${c.name}: ${c.about}`, async () => {
			const r = await judge(c);
			expect(r.safe, formatReport(r)).toBe(false);
			for (const rule of c.expect) expect(blocking(r), `expected ${rule}\n${formatReport(r)}`).toContain(rule);
			// Every blocking finding must say what it breaks and how to do it safely.
			for (const f of r.findings) {
				expect(f.migration).toBeTruthy();
				expect(f.breaks.length).toBeGreaterThan(10);
				expect(f.safeWay.length).toBeGreaterThan(10);
			}
		});
	}
});

describe.concurrent("safe migrations pass", () => {
	for (const c of safe) {
		it(`${c.name}: ${c.about}`, async () => {
			const r = await judge(c);
			expect(blocking(r), formatReport(r)).toEqual([]);
			expect(r.safe).toBe(true);
			// Layer 3 must really have run the old tests, not been skipped.
			expect(r.layers.find((l) => l.layer === 3)?.status).toBe("passed");
			// A reviewed exception must have matched a finding, which the report still shows.
			for (const rule of c.allows) {
				expect(r.findings.filter((f) => f.allowed).map((f) => f.rule), formatReport(r)).toContain(rule);
			}
		});
	}
});

afterAll(() => {
	rmSync(parent, { recursive: true, force: true });
	if (outcomes.length === 0) return;
	const b = outcomes.filter((o) => o.c.kind === "breaking");
	const s = outcomes.filter((o) => o.c.kind === "safe");
	const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");
	const detected = b.filter((o) => !o.report.safe).length;
	const flagged = s.filter((o) => !o.report.safe).length;
	const lines = [
		"",
		"migration gate corpus",
		`  detection rate:      ${detected}/${b.length} breaking cases blocked = ${pct(detected, b.length)}`,
		`  false-positive rate: ${flagged}/${s.length} safe cases blocked = ${pct(flagged, s.length)}`,
		"  per layer (cases the layer blocks on its own findings):",
	];
	for (const layer of [1, 2, 3, 4] as Layer[]) {
		const by = (o: { report: GateReport }) => o.report.layers.find((l) => l.layer === layer)?.status === "blocked";
		lines.push(
			`    layer ${layer}: ${b.filter(by).length}/${b.length} breaking (${pct(b.filter(by).length, b.length)}), ${s.filter(by).length}/${s.length} safe`,
		);
	}
	console.log(lines.join("\n"));
});
