/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (never part of npm test).
 * Each prints its own figures and ratios, measured side by side in one run.
 * `npm run bench -- gate` runs only the files whose name contains "gate";
 * `--smoke` runs each with tiny sizes (see options.ts), as CI does.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const filter = args.find((a) => a !== "--smoke");
const files = readdirSync(dir)
	.filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
	.sort();
if (files.length === 0) {
	console.error(`no benchmark matches ${JSON.stringify(filter)}`);
	process.exit(2);
}
const env = smoke ? { ...process.env, BENCH_SMOKE: "1" } : process.env;
const failed: string[] = [];
for (const file of files) {
	console.log(`\n=== ${file}${smoke ? " (smoke: tiny sizes, figures not meaningful)" : ""} ===`);
	const run = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, file)], { stdio: "inherit", env });
	if (run.status !== 0) failed.push(`${file} (exit ${run.status ?? run.signal})`);
}
if (failed.length) console.error(`\nfailed: ${failed.join(", ")}`);
process.exit(failed.length ? 1 : 0);
