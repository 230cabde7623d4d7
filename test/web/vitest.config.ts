import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { compatibilityDate, repoRoot, testMigrations } from "../migrations.ts";

const buildDir = path.join(repoRoot, ".wrangler/test-build");
/** The database_id every wrangler.toml shares: the same id means the same local D1. */
const D1_ID = "7d3c9a4e-2b1f-4c8e-9f5a-6e0d1b2c3a4f";

// The web Worker (gateway) with the real codegen and notion Workers behind its
// service bindings, all on one local D1.
export default defineProject(async () => ({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: path.join(repoRoot, "wrangler.toml") },
			miniflare: {
				bindings: { TEST_MIGRATIONS: await testMigrations() },
				workers: ["codegen", "notion"].map((w) => ({
					name: `kiln-${w}`,
					modules: true,
					scriptPath: path.join(buildDir, w, "index.js"),
					compatibilityDate,
					d1Databases: { DB: D1_ID },
				})),
			},
		}),
	],
	test: {
		name: "web",
		root: repoRoot,
		include: ["test/web/**/*.test.ts"],
		globalSetup: ["test/web/build-workers.ts"],
		setupFiles: ["test/apply-migrations.ts"],
	},
}));
