/**
 * Tests and `npm run dev` run the same workerd: the vitest plugin pins exact
 * wrangler and miniflare versions, and package.json's `overrides` hands it the
 * project's own instead, so npm installs one copy of each (not ~300 MB twice).
 * A plugin or wrangler upgrade that splits them again fails here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../migrations.ts";

const lock = JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
	packages: Record<string, { version?: string }>;
};

/** Every installed copy of a package: its path in node_modules → version. */
const copies = (name: string) =>
	Object.entries(lock.packages)
		.filter(([where]) => where === `node_modules/${name}` || where.endsWith(`/node_modules/${name}`))
		.map(([where, p]) => `${where}@${p.version}`);

describe("package-lock.json", () => {
	for (const name of ["wrangler", "miniflare", "workerd"]) {
		it(`installs one ${name}`, () => {
			expect(copies(name)).toHaveLength(1);
		});
	}
});
