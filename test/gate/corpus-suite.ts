import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import type { GateReport } from "../../src/gate/types";
import { buildCase, type CorpusCase, loadCases } from "./corpus";
import { blocking, deployRisks, printRates } from "./rates";

/**
 * Registers the corpus's tests for one kind of case, and prints its rate
 * (detection for breaking cases, false positives for safe ones) with each
 * layer's share. One file per kind, so that vitest runs the two side by side.
 */
export function corpusSuite(kind: "breaking" | "safe") {
	const parent = mkdtempSync(path.join(tmpdir(), `kiln-gate-corpus-${kind}-`));
	const cases = loadCases(kind);
	const outcomes: { c: CorpusCase; report: GateReport }[] = [];
	// Most cases share the base release's tree, so its bundles are built once.
	const cache = new Map<string, Promise<unknown>>();

	async function judge(c: CorpusCase): Promise<GateReport> {
		const report = await runGate({ cwd: buildCase(c, parent), against: "deployed", cache });
		outcomes.push({ c, report });
		return report;
	}

	it(`the corpus has at least 30 ${kind} cases`, () => {
		expect(cases.length).toBeGreaterThanOrEqual(30);
	});

	if (kind === "breaking")
		describe.concurrent("breaking migrations are blocked", () => {
			for (const c of cases) {
				it(`${c.name}: ${c.about}`, async () => {
					const r = await judge(c);
					expect(r.safe, formatReport(r)).toBe(false);
					for (const rule of c.expect) expect(blocking(r), `expected ${rule}\n${formatReport(r)}`).toContain(rule);
					// Deploy risks are reported with their own severity, beside what blocks.
					for (const rule of c.risks) expect(deployRisks(r), `expected ${rule}\n${formatReport(r)}`).toContain(rule);
					// Every blocking finding must say what it breaks and how to do it safely.
					for (const f of r.findings) {
						expect(f.migration).toBeTruthy();
						expect(f.breaks.length).toBeGreaterThan(10);
						expect(f.safeWay.length).toBeGreaterThan(10);
					}
				});
			}
		});

	if (kind === "safe")
		describe.concurrent("safe migrations pass", () => {
			for (const c of cases) {
				it(`${c.name}: ${c.about}`, async () => {
					const r = await judge(c);
					expect(blocking(r), formatReport(r)).toEqual([]);
					expect(r.safe).toBe(true);
					// A deploy risk the case names is reported, with its own severity, and does not block.
					for (const rule of c.risks) expect(deployRisks(r), formatReport(r)).toContain(rule);
					// Layer 3 must really have run the old tests, not been skipped.
					expect(r.layers.find((l) => l.layer === 3)?.status).toBe("passed");
					// A reviewed exception must have matched a finding, which the report still shows.
					for (const rule of c.allows) {
						expect(
							r.findings.filter((f) => f.allowed).map((f) => f.rule),
							formatReport(r),
						).toContain(rule);
					}
				});
			}
		});

	afterAll(() => {
		rmSync(parent, { recursive: true, force: true });
		printRates(
			"synthetic",
			outcomes.map((o) => ({ expect: kind, report: o.report })),
		);
	});
}
