// Issue 14 moves the apps' document store off D1's app_data table, in three
// releases: expand and migrate (release N: the documents live in each
// project's own database, and the old rows are carried over), stop using it
// (release N+1: app_data is gone from the schema and the code), contract (a
// later release: DROP TABLE app_data). The drop may ship only once no deployed
// release declares the table, so Kiln's own gate must block it against release
// N and pass it against release N+1.
//
// Release N is found in git, not by a fixed hash (a rebase or merge would
// change it): the parent of the last commit that took `"app_data"` out of
// src/db/schema.ts. Release N+1 is HEAD, which no longer declares it.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../../src/gate/gate";
import { formatReport } from "../../src/gate/report";
import { cloneKiln, git } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-app-data-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("DROP TABLE app_data", () => {
	const dir = cloneKiln(parent, "kiln");
	const removal = git(dir, "log", "-1", "--format=%H", "-S", '"app_data"', "--", "src/db/schema.ts").trim();
	const releaseN = git(dir, "rev-parse", `${removal}^`).trim();
	// The next migration, as `npm run db:generate -- --name drop_app_data` would number it.
	const next = readdirSync(path.join(dir, "migrations")).filter((f) => /^\d{4}_.*\.sql$/.test(f)).length;
	const drop = `${String(next).padStart(4, "0")}_drop_app_data.sql`;
	writeFileSync(path.join(dir, "migrations", drop), "DROP TABLE `app_data`;\n");

	it("release N declares app_data in its schema and reads it in its code; HEAD (release N+1) does neither", () => {
		expect(git(dir, "show", `${releaseN}:src/db/schema.ts`)).toContain('sqliteTable(\n\t"app_data"');
		expect(git(dir, "show", `${releaseN}:src/db/app-data.ts`)).toContain("readOldDocuments");
		expect(git(dir, "show", "HEAD:src/db/schema.ts")).not.toContain('"app_data"');
		// No code of HEAD's names the table (git grep exits 1 when nothing matches); the schema
		// names it only in the comment that says where it went, and src/db/retired.ts, which
		// holds it for drizzle-kit alone until the drop ships, is imported by nothing.
		expect(() =>
			git(
				dir,
				"grep",
				"-l",
				"-w",
				"-e",
				"app_data",
				"-e",
				"appData",
				"HEAD",
				"--",
				"workers/*.ts",
				"src/*.ts",
				":!src/db/schema.ts",
				":!src/db/retired.ts",
			),
		).toThrow();
		expect(() => git(dir, "grep", "-l", "-e", '/retired"', "HEAD", "--", "workers/*.ts", "src/*.ts")).toThrow();
	});

	it("is blocked against release N, the release that still uses it, naming the table", async () => {
		const r = await runGate({ cwd: dir, against: releaseN, layers: [2] });
		// Release N also lacks the migrations that came after it (the Notion console's, ...).
		expect(r.newMigrations).toContain(drop);
		expect(r.safe, formatReport(r)).toBe(false);
		const blocking = r.findings.filter((f) => !f.allowed);
		expect(blocking.map((f) => f.rule)).toContain("declared-table-dropped");
		expect(blocking.map((f) => f.message).join("\n")).toContain("app_data");
	});

	it("passes every layer against HEAD, the release that no longer uses it", async () => {
		const r = await runGate({ cwd: dir, against: "HEAD" });
		expect(r.newMigrations).toEqual([drop]);
		expect(r.safe, formatReport(r)).toBe(true);
		expect(r.verified, formatReport(r)).toBe(true);
		expect(r.findings.filter((f) => !f.allowed)).toEqual([]);
	});
});
