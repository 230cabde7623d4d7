// Finding and loading the ref's Drizzle schema in a repository laid out like
// another project's (a monorepo with the config beside its migrations), with
// imports the judged repository cannot satisfy as it is checked out.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDeclaredSchema, schemaPathOf } from "../../src/gate/declared-schema";
import type { SchemaModel } from "../../src/gate/introspect";
import { repoRoot } from "./helpers";

const root = mkdtempSync(path.join(tmpdir(), "kiln-gate-schema-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (rel: string, text: string) => {
	mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
	writeFileSync(path.join(root, rel), text);
};
symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
write(
	"packages/db/drizzle.config.ts",
	`export default { dialect: "sqlite", schema: "./src/schema.ts", out: "./migrations" };\n`,
);
write(
	"packages/db/src/schema.ts",
	[
		`import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";`,
		`import { newId } from "@acme/ids";`,
		`import { roles } from "./roles";`,
		`export const users = sqliteTable("users", {`,
		`  id: text("id").primaryKey().$defaultFn(() => newId()),`,
		`  email: text("email").notNull().unique(),`,
		`  role: text("role", { enum: roles }),`,
		`  team: integer("team"),`,
		`  handle: text("handle"),`,
		`}, (t) => [uniqueIndex("users_team_handle").on(t.team, t.handle)]);`,
	].join("\n"),
);
write("packages/db/src/roles.ts", `export const roles = ["admin", "member"] as const;\n`);
const empty: SchemaModel = { tables: new Map(), views: new Map() };

describe("the ref's Drizzle schema", () => {
	it("is found through the drizzle.config beside the migrations folder", () => {
		expect(schemaPathOf(root, "packages/db/migrations")).toBe(path.normalize("packages/db/src/schema.ts"));
		expect(schemaPathOf(root, "migrations")).toBe("src/db/schema.ts");
	});

	it("loads with stand-ins for imports the checkout cannot satisfy, naming the fallback and the whole first error", async () => {
		const d = await loadDeclaredSchema(root, empty, "packages/db/migrations");
		expect(d.source).toContain("packages/db/src/schema.ts (Drizzle, with do-nothing stand-ins");
		expect(d.source).toContain("@acme/ids");
		const users = d.tables.get("users");
		expect(users?.columns.map((c) => [c.name, c.notNull, c.hasDefault])).toEqual([
			["id", true, true],
			["email", true, false],
			["role", false, false],
			["team", false, false],
			["handle", false, false],
		]);
		expect(users?.uniques).toEqual(expect.arrayContaining([["email"], ["team", "handle"]]));
	});

	it("loads as it is when every import resolves, and says nothing of stand-ins", async () => {
		write(
			"packages/db/src/plain.ts",
			`export { roles } from "./roles";\nexport { sqliteTable } from "drizzle-orm/sqlite-core";\nimport { sqliteTable, text } from "drizzle-orm/sqlite-core";\nexport const t = sqliteTable("t", { id: text("id").primaryKey() });\n`,
		);
		const d = await loadDeclaredSchema(root, empty, "packages/db/migrations", "packages/db/src/plain.ts");
		expect(d.source).toBe("packages/db/src/plain.ts (Drizzle)");
		expect([...d.tables.keys()]).toEqual(["t"]);
	});

	it("falls back to the database when the file is missing, and says why", async () => {
		const d = await loadDeclaredSchema(root, empty, "packages/db/migrations", "packages/db/nope.ts");
		expect(d.source).toMatch(
			/^every table and column of the ref's database \(no packages\/db\/nope\.ts; no drizzle-kit snapshot\)$/,
		);
	});
});
