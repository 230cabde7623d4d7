/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (never part of npm test).
 * Each prints its own figures and ratios, measured side by side in one run.
 * `npm run bench -- gate` runs only the files whose name contains "gate".
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(dir)
	.filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
	.sort();
if (files.length === 0) {
	console.error(`no benchmark matches ${JSON.stringify(filter)}`);
	process.exit(2);
}
let failed = 0;
for (const file of files) {
	console.log(`\n=== ${file} ===`);
	const run = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, file)], { stdio: "inherit" });
	if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
