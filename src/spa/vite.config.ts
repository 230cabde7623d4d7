import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = import.meta.dirname;

/**
 * The SPA's build: Vite root is src/spa, output is dist/spa at the repo root —
 * the assets directory of the top-level wrangler.toml (the web Worker).
 * Hashed files go to /assets/ (cached for a year by public/_headers).
 */
export default defineConfig({
	root,
	base: "/",
	publicDir: path.join(root, "public"),
	plugins: [react()],
	build: {
		outDir: path.resolve(root, "../../dist/spa"),
		emptyOutDir: true,
		assetsDir: "assets",
		target: "es2022",
		sourcemap: false,
		// One small entry: nothing worth splitting yet, and one request is fastest.
		modulePreload: { polyfill: false },
	},
});
