import { defineConfig } from "vitest/config";

// One vitest project per part: each folder under test/ with its own config
// (Workers' tests run inside workerd; the gate's and the browser's in Node).
export default defineConfig({
	test: {
		projects: ["test/*/vitest.config.ts"],
	},
});
