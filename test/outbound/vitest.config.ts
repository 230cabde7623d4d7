import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { compatibilityDate, repoRoot } from "../migrations.ts";

// The outbound guard (src/outbound) inside workerd, whose fetch is the one the
// Workers use. Miniflare lets workerd reach private addresses (as `wrangler
// dev` does), so every refusal seen here is the guard's own.
export default defineProject({
	plugins: [cloudflareTest({ miniflare: { compatibilityDate } })],
	test: {
		name: "outbound",
		root: repoRoot,
		include: ["test/outbound/**/*.test.ts"],
		globalSetup: ["test/outbound/global-setup.ts"],
	},
});
