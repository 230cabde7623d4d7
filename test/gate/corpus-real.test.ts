import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import type { GateReport } from "../../src/gate/types";
import { blocking, printRates } from "./rates";
import { buildRealCase, caseName, loadRealCases } from "./real-corpus";

/**
 * The real corpus (real/SOURCES.md): migration commits of public repositories,
 * each judged against its parent as their developers would have run the gate,
 * with the verdict labelled by hand from the SQL and the parent's code.
 */
const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-corpus-real-"));
const cases = loadRealCases();
const outcomes: { expect: "breaking" | "safe"; report: GateReport }[] = [];

it("the real corpus has at least 30 cases from at least three repositories", () => {
	expect(cases.length).toBeGreaterThanOrEqual(30);
	expect(new Set(cases.map((c) => c.source.repo)).size).toBeGreaterThanOrEqual(3);
	for (const c of cases) expect(c.label.length + c.reason.length, caseName(c)).toBeGreaterThan(20);
});

describe.concurrent("real migrations get the verdict they were labelled with", () => {
	for (const c of cases) {
		it(`${caseName(c)} (${c.expect}): ${c.label}`, async () => {
			const report = await runGate({
				cwd: buildRealCase(c, parent),
				against: "deployed",
				migrationsDir: c.source.migrationsDir,
				schema: c.source.schema,
			});
			outcomes.push({ expect: c.expect, report });
			const why = `${c.reason}\n${formatReport(report)}`;
			if (c.knownFalsePositive) {
				// Labelled safe from the code, blocked by the gate: the test pins what the gate
				// does (so a change shows), and the rates count it as a false positive.
				expect(blocking(report), why).toEqual(c.knownFalsePositive.rules);
				expect(report.safe).toBe(false);
			} else if (c.expect === "safe") {
				expect(blocking(report), why).toEqual([]);
				expect(report.safe).toBe(true);
			} else {
				expect(report.safe, why).toBe(false);
				for (const rule of c.rules) expect(blocking(report), `expected ${rule}\n${why}`).toContain(rule);
			}
			// The fixtures carry the parent's schema: wherever layer 2 read it, it must load as Drizzle, not fall back.
			const declared = report.layers
				.find((l) => l.layer === 2)
				?.notes.find((n) => n.startsWith("declared schema from"));
			if (declared) expect(declared, why).toMatch(/\(Drizzle/);
			// Generous: on a loaded two-core machine a case has taken two minutes; alone, a few seconds.
		}, 300_000);
	}
});

afterAll(() => {
	rmSync(parent, { recursive: true, force: true });
	printRates("real", outcomes);
});
