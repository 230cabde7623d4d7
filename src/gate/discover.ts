import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors";

const WRANGLER_CONFIGS = ["wrangler.toml", "wrangler.jsonc", "wrangler.json"];
const DRIZZLE_CONFIGS = ["drizzle.config.ts", "drizzle.config.mts", "drizzle.config.js", "drizzle.config.mjs"];

/**
 * The migrations folder of a repository the user did not name one for
 * (relative to `root`): `migrations/` when it exists (Kiln's layout and
 * wrangler's default), else the `migrations_dir` of a wrangler config at the
 * root, else the `out` of a drizzle.config.* at the root or in one
 * `packages/<name>/` (a monorepo's database package). More than one
 * candidate, or none, is a usage error that says which and what to pass.
 */
export function findMigrationsDir(root: string): string {
	const isDir = (rel: string) => existsSync(path.join(root, rel)) && statSync(path.join(root, rel)).isDirectory();
	if (isDir("migrations")) return "migrations";
	const found = new Set<string>();
	for (const name of WRANGLER_CONFIGS) {
		const file = path.join(root, name);
		if (!existsSync(file)) continue;
		for (const m of readFileSync(file, "utf8").matchAll(/["']?migrations_dir["']?\s*[=:]\s*["']([^"']+)["']/g))
			found.add(path.normalize(m[1]));
	}
	const packages = isDir("packages")
		? readdirSync(path.join(root, "packages")).map((p) => path.join("packages", p))
		: [];
	for (const dir of [".", ...packages]) {
		for (const name of DRIZZLE_CONFIGS) {
			const file = path.join(root, dir, name);
			if (!existsSync(file)) continue;
			const m = /\bout\s*:\s*["'`]([^"'`]+)["'`]/.exec(readFileSync(file, "utf8"));
			if (m) found.add(path.normalize(path.join(dir, m[1])));
		}
	}
	const dirs = [...found].filter(isDir);
	if (dirs.length === 1) return dirs[0];
	if (dirs.length > 1)
		throw new UsageError(
			`found several migrations folders (${dirs.join(", ")}); name the one wrangler applies with --migrations <dir>.`,
		);
	throw new UsageError(
		"found no migrations folder: no migrations/, no migrations_dir in a wrangler config, no drizzle.config.* with an out folder that exists. Name it with --migrations <dir>.",
	);
}
