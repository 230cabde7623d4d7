/**
 * A Worker bundled as `wrangler deploy` bundles it (`--dry-run --outdir`), and
 * that bundle's files as Miniflare modules: for the web tests' auxiliary
 * Workers and the benches' Kiln-in-Miniflare, which run Workers without
 * wrangler loading their wrangler.toml.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./migrations.ts";

export function bundleWorker(config: string, outDir: string): void {
	execFileSync(
		path.join(repoRoot, "node_modules/.bin/wrangler"),
		["deploy", "--dry-run", "--outdir", outDir, "-c", config],
		{
			cwd: repoRoot,
			stdio: "pipe",
		},
	);
}

/** index.js first, then the text modules (the starters' .html and server .txt). */
export function bundleModules(dir: string) {
	return readdirSync(dir)
		.filter((f) => f.endsWith(".js") || f.endsWith(".html") || f.endsWith(".txt"))
		.sort((a, b) => (a === "index.js" ? -1 : b === "index.js" ? 1 : a.localeCompare(b)))
		.map((f) => ({ type: f.endsWith(".js") ? ("ESModule" as const) : ("Text" as const), path: path.join(dir, f) }));
}
