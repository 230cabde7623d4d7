// globalSetup for the web project: bundles the codegen and notion Workers with
// wrangler (as a deploy would) so the gateway's service bindings reach the real
// Workers. Auxiliary Workers can't load their own wrangler.toml in the vitest
// plugin, so they run from these bundles.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../migrations.ts";
import { bundleWorker } from "../worker-bundles.ts";

export const buildDir = path.join(repoRoot, ".wrangler/test-build");

export default function setup() {
	mkdirSync(path.join(repoRoot, "dist/spa"), { recursive: true });
	for (const worker of ["codegen", "notion"]) {
		bundleWorker(path.join(repoRoot, "workers", worker, "wrangler.toml"), path.join(buildDir, worker));
	}
}
