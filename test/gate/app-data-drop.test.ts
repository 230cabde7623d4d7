// Issue 14 moves the apps' document store off D1's app_data table, in three
// releases: expand (the new store), migrate (carry every document over),
// contract (DROP TABLE app_data). The drop may ship only once no deployed
// release reads the table. Today's code still does, so Kiln's own gate must
// block the drop against it. (The other half, that the gate passes the drop
// against the release that no longer uses app_data, belongs to that release.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import { cloneKiln } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-app-data-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("DROP TABLE app_data against the release that still uses it (HEAD)", () => {
	const dir = cloneKiln(parent, "kiln");
	writeFileSync(path.join(dir, "migrations", "0003_drop_app_data.sql"), "DROP TABLE `app_data`;\n");

	it("is blocked by the gate's schema layer, naming the table", async () => {
		const r = await runGate({ cwd: dir, against: "HEAD", layers: [2] });
		expect(r.newMigrations).toEqual(["0003_drop_app_data.sql"]);
		expect(r.safe, formatReport(r)).toBe(false);
		const blocking = r.findings.filter((f) => !f.allowed);
		expect(blocking.length).toBeGreaterThan(0);
		expect(blocking.map((f) => f.message).join("\n")).toContain("app_data");
	});
});
