import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { repoRoot, testMigrations } from "../migrations.ts";

// The notion Worker's tests, inside workerd, with the Worker's own wrangler.toml
// and a local D1 that has every migration applied.
export default defineProject(async () => ({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: path.join(repoRoot, "workers/notion/wrangler.toml") },
			miniflare: {
				bindings: { TEST_MIGRATIONS: await testMigrations() },
			},
		}),
	],
	test: {
		name: "notion",
		root: repoRoot,
		include: ["test/notion/**/*.test.ts"],
		setupFiles: ["test/apply-migrations.ts"],
	},
}));
