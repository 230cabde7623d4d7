import { defineProject } from "vitest/config";
import { repoRoot } from "../migrations.ts";

// The SPA's own logic (src/spa/lib), in Node against real HTTP servers; the
// page as a whole is driven in Chromium by the e2e project.
export default defineProject({
	test: {
		name: "spa",
		root: repoRoot,
		include: ["test/spa/**/*.test.ts"],
		environment: "node",
	},
});
