import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { compatibilityDate, repoRoot, testMigrations } from "../migrations.ts";
import { bundleModules } from "../worker-bundles.ts";
import { buildDir } from "./build-workers.ts";
import "../codegen/fake-llm-setup.ts";

/** The database_id every wrangler.toml shares: the same id means the same local D1. */
const D1_ID = "7d3c9a4e-2b1f-4c8e-9f5a-6e0d1b2c3a4f";

// The web Worker (gateway) with the real codegen and notion Workers behind its
// service bindings, all on one local D1; codegen's model is the fake
// OpenAI-compatible server.
export default defineProject(async () => {
	const migrations = await testMigrations();
	return {
		plugins: [
			// A callback: it runs after globalSetup has built the bundles and started the fake.
			cloudflareTest((ctx) => ({
				wrangler: { configPath: path.join(repoRoot, "wrangler.toml") },
				remoteBindings: false,
				miniflare: {
					bindings: { TEST_MIGRATIONS: migrations, FAKE_OPENAI_URL: ctx.inject("fakeOpenAIUrl") },
					workers: ["codegen", "notion"].map((w) => ({
						name: `kiln-${w}`,
						modules: bundleModules(path.join(buildDir, w)),
						modulesRoot: path.join(buildDir, w),
						compatibilityDate,
						d1Databases: { DB: D1_ID },
						...(w === "codegen" && {
							bindings: {
								LLM_BASE_URL: `${ctx.inject("fakeOpenAIUrl")}/v1`,
								LLM_MODEL: "fake-model",
								LLM_MAX_RETRIES: "0",
							},
							// Each project's SQL database, as workers/codegen/wrangler.toml binds it.
							durableObjects: { APP_DB: { className: "AppDatabase", useSQLite: true } },
							ratelimits: {
								GENERATE_LIMITER: { namespace_id: "3001", simple: { limit: 100_000, period: 60 as const } },
								DATA_LIMITER: { namespace_id: "3002", simple: { limit: 100_000, period: 60 as const } },
							},
						}),
					})),
				},
			})),
		],
		test: {
			name: "web",
			root: repoRoot,
			include: ["test/web/**/*.test.ts"],
			globalSetup: ["test/web/build-workers.ts", "test/codegen/fake-llm-setup.ts"],
			setupFiles: ["test/apply-migrations.ts"],
		},
	};
});
