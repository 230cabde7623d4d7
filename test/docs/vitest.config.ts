import { defineProject } from "vitest/config";
import { repoRoot } from "../migrations.ts";

// The docs against the code, in Node: the README's settings table, every
// README's relative links, and one workerd in package-lock.json.
export default defineProject({
	test: {
		name: "docs",
		root: repoRoot,
		include: ["test/docs/**/*.test.ts"],
		environment: "node",
	},
});
