// Bundles the gate (src/gate/, shared with Kiln's own `npm run gate`) into
// dist/cli.mjs. Its runtime dependencies stay external and are this package's
// dependencies (esbuild, miniflare); the judged repository's drizzle-orm is
// loaded from its own node_modules at run time. The workerd runner's
// TypeScript sources are copied beside the bundle: the gate bundles them with
// the judged repository's db tests when it runs them (layer 3).
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const here = import.meta.dirname;
const gate = path.join(here, "..", "..", "src", "gate");
rmSync(path.join(here, "dist"), { recursive: true, force: true });
await build({
	entryPoints: [path.join(gate, "cli.ts")],
	outfile: path.join(here, "dist", "cli.mjs"),
	bundle: true,
	platform: "node",
	format: "esm",
	target: "node22",
	external: ["esbuild", "miniflare"],
	logLevel: "warning",
});
cpSync(path.join(gate, "workerd-runner"), path.join(here, "dist", "workerd-runner"), { recursive: true });
