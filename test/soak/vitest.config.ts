import path from "node:path";
import { defineProject } from "vitest/config";

// The soak's checker (bench/soak/check.ts) is pure: its tests run in Node on
// recorded histories with planted bugs, and need no Kiln. The soak itself is
// `npm run soak`, never part of `npm test`.
export default defineProject({
	test: {
		name: "soak",
		root: path.resolve(import.meta.dirname, "..", ".."),
		include: ["test/soak/*.test.ts"],
		environment: "node",
	},
});
