import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { compatibilityDate, repoRoot, testMigrations } from "../migrations.ts";

// The shared queries in src/db, run inside workerd against a local D1 with
// every migration applied. The migration gate runs this project of an old
// release with KILN_MIGRATIONS_DIR set to the new release's migrations.
export default defineProject(async () => ({
	plugins: [
		cloudflareTest({
			miniflare: {
				compatibilityDate,
				d1Databases: { DB: "kiln" },
				bindings: { TEST_MIGRATIONS: await testMigrations() },
			},
		}),
	],
	test: {
		name: "db",
		root: repoRoot,
		include: ["test/db/**/*.test.ts"],
		setupFiles: ["test/apply-migrations.ts"],
	},
}));
