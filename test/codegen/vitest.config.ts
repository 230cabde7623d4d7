import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { repoRoot, testMigrations } from "../migrations.ts";
import "./fake-llm-setup.ts";

// The codegen Worker's tests, inside workerd, with the Worker's own wrangler.toml,
// a local D1 that has every migration applied, and the fake OpenAI-compatible
// server (started by fake-llm-setup.ts) as its model, through LLM_BASE_URL.
export default defineProject(async () => {
	const migrations = await testMigrations();
	return {
		plugins: [
			cloudflareTest((ctx) => {
				const fake = ctx.inject("fakeOpenAIUrl");
				const peers = JSON.parse(ctx.inject("peers")) as Record<"a" | "b" | "forbidden", string>;
				return {
					wrangler: { configPath: path.join(repoRoot, "workers/codegen/wrangler.toml") },
					// Nothing here may reach Cloudflare.
					remoteBindings: false,
					miniflare: {
						bindings: {
							TEST_MIGRATIONS: migrations,
							FAKE_OPENAI_URL: fake,
							LLM_BASE_URL: `${fake}/v1`,
							LLM_API_KEY: "sk-test-secret-key-0123456789",
							LLM_MODEL: "fake-model",
							// Fast failures for the fault tests; the defaults are 30 s and 1 retry.
							LLM_IDLE_TIMEOUT_MS: "1000",
							LLM_MAX_RETRIES: "0",
							// A short wall clock for apps' server code, so the hang tests are quick.
							APP_SERVER_TIMEOUT_MS: "1000",
							// The fake model's server and peer "a" stand in for public sites that apps' servers
							// may fetch; peer "forbidden" is never allowed (it counts what reaches it).
							OUTBOUND_ALLOW_ORIGINS: `${fake},${peers.a}`,
							PEERS: JSON.stringify(peers),
							// Owners' secrets are sealed under this key (base64 of 32 bytes), as an operator sets it.
							KILN_SECRETS_KEY: "S2lsblRlc3RTZWNyZXRzS2V5MDEyMzQ1Njc4OWFiY2Q=",
							// The operator's credential, for the takedown routes.
							KILN_OPERATOR_TOKEN: "operator-test-token-0123456789",
						},
						ratelimits: {
							// Roomy, so 50 concurrent edits from one client are not limited...
							GENERATE_LIMITER: { namespace_id: "3001", simple: { limit: 100_000, period: 60 } },
							DATA_LIMITER: { namespace_id: "3002", simple: { limit: 100_000, period: 60 } },
							APP_LIMITER: { namespace_id: "3003", simple: { limit: 100_000, period: 60 } },
							// ...and a tight one that the rate-limit tests swap in.
							TIGHT_LIMITER: { namespace_id: "3999", simple: { limit: 3, period: 60 } },
						},
					},
				};
			}),
		],
		test: {
			name: "codegen",
			root: repoRoot,
			include: ["test/codegen/**/*.test.ts"],
			globalSetup: ["test/codegen/fake-llm-setup.ts"],
			setupFiles: ["test/apply-migrations.ts"],
		},
	};
});
