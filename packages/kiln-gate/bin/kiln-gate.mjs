#!/usr/bin/env node
// `npx kiln-gate --against <ref>`: the gate's CLI (src/gate/cli.ts in the Kiln
// repository, bundled into dist/ by build.mjs), after a Node version check.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { nodeTooOld } from "./node-version.mjs";

const tooOld = nodeTooOld(process.versions.node);
if (tooOld) {
	process.stderr.write(tooOld);
	process.exit(2);
}
const cli = path.join(import.meta.dirname, "..", "dist", "cli.mjs");
if (!existsSync(cli)) {
	process.stderr.write(
		"kiln-gate: dist/cli.mjs is missing; build it with `npm run build -w kiln-gate` (npm pack does it).\n",
	);
	process.exit(2);
}
await import(pathToFileURL(cli).href);
