// The outage this gate exists for: old code live, a migration renames a
// column it reads. Layer 2 and layer 3 must each block it on their own,
// on the corpus case and on Kiln's real code and tests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import type { GateReport, Layer } from "../../src/gate/types";
import { buildCase, loadCases } from "./corpus";
import { cloneKiln } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-outage-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const status = (r: GateReport, layer: Layer) => r.layers.find((l) => l.layer === layer)?.status;
const rules = (r: GateReport) => r.findings.filter((f) => !f.allowed).map((f) => f.rule);

describe.concurrent("the corpus's outage case (notes.title renamed)", () => {
	const outage = loadCases("breaking").find((c) => c.name === "01-rename-column-read");
	const expand = loadCases("safe").find((c) => c.name === "32-expand-rename-step");
	if (!outage || !expand) throw new Error("corpus cases missing");

	it("layer 2 alone blocks it", async () => {
		const r = await runGate({ cwd: buildCase(outage, path.join(parent, "l2")), against: "deployed", layers: [2] });
		expect(r.safe, formatReport(r)).toBe(false);
		expect(rules(r)).toEqual(["declared-column-renamed"]);
		expect(status(r, 3)).toBe("skipped");
	});

	it("layer 3 alone blocks it (the ref's tests, run in workerd)", async () => {
		const r = await runGate({ cwd: buildCase(outage, path.join(parent, "l3")), against: "deployed", layers: [3] });
		expect(r.safe, formatReport(r)).toBe(false);
		expect(new Set(rules(r))).toEqual(new Set(["old-test-fails"]));
		expect(status(r, 2)).toBe("skipped");
		expect(r.findings[0].message).toMatch(/title/);
	});

	it("each layer alone passes the expand step that does the rename safely", async () => {
		for (const layer of [2, 3] as Layer[]) {
			const r = await runGate({
				cwd: buildCase(expand, path.join(parent, `expand-${layer}`)),
				against: "deployed",
				layers: [layer],
			});
			expect(r.safe, formatReport(r)).toBe(true);
			expect(status(r, layer)).toBe("passed");
		}
	});
});

describe("Kiln's own code: versions.prompt renamed, uncommitted, against HEAD", () => {
	const dir = cloneKiln(parent, "kiln");
	writeFileSync(
		path.join(dir, "migrations", "0001_rename_prompt.sql"),
		"ALTER TABLE `versions` RENAME COLUMN `prompt` TO `prompt_text`;\n",
	);

	it("layer 2 alone blocks it against Kiln's Drizzle schema", async () => {
		const r = await runGate({ cwd: dir, against: "HEAD", layers: [2] });
		expect(r.newMigrations).toEqual(["0001_rename_prompt.sql"]);
		expect(rules(r), formatReport(r)).toEqual(["declared-column-renamed"]);
		expect(r.findings[0].message).toContain("versions.prompt");
	});

	it("layer 3 alone blocks it by running Kiln's test/db vitest project twice", async () => {
		const r = await runGate({ cwd: dir, against: "HEAD", layers: [3], layer3: "vitest" });
		const l3 = r.layers.find((l) => l.layer === 3);
		expect(l3?.status, formatReport(r)).toBe("blocked");
		expect(l3?.notes.join(" ")).toContain("vitest project");
		expect(rules(r).every((x) => x === "old-test-fails")).toBe(true);
		expect(r.findings.map((f) => f.message).join("\n")).toMatch(/prompt/);
	});
});
