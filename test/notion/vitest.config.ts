import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { FAKE_TOKEN } from "../fakes/notion.ts";
import { repoRoot, testMigrations } from "../migrations.ts";

export const WEBHOOK_SECRET = "test-webhook-secret";
export const VERIFICATION_TOKEN = "secret_test_verification_token";
export const OPERATOR_TOKEN = "test-operator-token";

// The fake sites live on loopback, which the outbound guard refuses: their
// origins are allowed as a user would allow them (OUTBOUND_ALLOW_ORIGINS), all
// but "internal", which stands for what the guard must keep out.
const allowedSites = (sites: string) =>
	Object.entries(JSON.parse(sites) as Record<string, string>)
		.filter(([name]) => name !== "internal")
		.map(([, origin]) => origin)
		.join(",");

// The notion Worker's tests, inside workerd, with the Worker's own wrangler.toml
// (D1, queue, rate limiter Durable Object, cron) and a local D1 that has every
// migration applied. Notion and the websites are fakes started by
// global-setup.ts; the Worker reaches them through its ordinary settings.
export default defineProject(async () => {
	const migrations = await testMigrations();
	return {
		plugins: [
			cloudflareTest(({ inject }) => ({
				wrangler: { configPath: path.join(repoRoot, "workers/notion/wrangler.toml") },
				miniflare: {
					bindings: {
						TEST_MIGRATIONS: migrations,
						TEST_SITES: inject<string>("sites"),
						OUTBOUND_ALLOW_ORIGINS: allowedSites(inject<string>("sites")),
						NOTION_TOKEN: FAKE_TOKEN,
						NOTION_API_BASE_URL: inject<string>("notionFakeUrl"),
						NOTION_WEBHOOK_SECRET: WEBHOOK_SECRET,
						NOTION_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
						KILN_OPERATOR_TOKEN: OPERATOR_TOKEN,
						// Short, so that stalls are tested in about a second.
						NOTION_TIMEOUT_MS: "1500",
						FAVICON_TIMEOUT_MS: "1000",
					},
				},
			})),
		],
		test: {
			name: "notion",
			root: repoRoot,
			include: ["test/notion/**/*.test.ts"],
			globalSetup: ["test/notion/global-setup.ts"],
			setupFiles: ["test/apply-migrations.ts"],
			testTimeout: 30_000,
		},
	};
});
