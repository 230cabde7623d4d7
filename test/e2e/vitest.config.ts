import { defineProject } from "vitest/config";
import { repoRoot } from "../migrations.ts";

// End-to-end: the real `npm run dev` (all three Workers in wrangler dev), driven
// over HTTP from Node, and the browser tests. Files run one at a time: each
// starts its own dev server, and this machine has two cores.
export default defineProject({
	test: {
		name: "e2e",
		root: repoRoot,
		include: ["test/e2e/**/*.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 120_000,
	},
});
