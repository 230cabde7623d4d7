import { spawnSync } from "node:child_process";
import path from "node:path";
import { sh } from "./steps";

/** The shared D1 database (`database_name` in every wrangler.toml) and the config that binds it. */
export const D1_NAME = "kiln";
export const D1_CONFIG = "wrangler.toml";
/** The binding's migrations_dir: the folder `wrangler d1 migrations apply` reads. */
export const MIGRATIONS_DIR = "migrations";

/**
 * How the deploy runs wrangler: by name, from the PATH, with this checkout's
 * node_modules/.bin as a fallback at the end. `npm run deploy` puts
 * node_modules/.bin first, so this is the project's own wrangler; the
 * deploy's tests put a fake `wrangler` first and see every remote command
 * without a Cloudflare account.
 */
export function wranglerEnv(root: string): NodeJS.ProcessEnv {
	const PATH = [process.env.PATH, path.join(root, "node_modules", ".bin")].filter(Boolean).join(path.delimiter);
	// CI=true: never prompt. No metrics from deploys or dry runs.
	return { ...process.env, PATH, WRANGLER_SEND_METRICS: "false", CI: "true" };
}

/** Runs wrangler with its output shown; returns whether it exited 0. */
export function wrangler(root: string, args: string[]): boolean {
	return sh("wrangler", args, root, wranglerEnv(root));
}

/** Runs wrangler quietly; returns whether it exited 0. */
export function wranglerSucceeds(root: string, args: string[]): boolean {
	return spawnSync("wrangler", args, { cwd: root, stdio: "ignore", env: wranglerEnv(root) }).status === 0;
}

/**
 * The names of the migrations the remote database has applied, read from
 * wrangler's own table (d1_migrations; absent until the first apply). Throws
 * with wrangler's message when the database cannot be asked.
 */
export function remoteAppliedMigrations(root: string): string[] {
	const tracked = query(root, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'");
	if (tracked.length === 0) return [];
	return query(root, "SELECT name FROM d1_migrations ORDER BY id").map((r) => String(r.name));
}

/** How many rows a table of the remote database holds, or null when it has no such table. Throws when it cannot be asked. */
export function remoteRowCount(root: string, table: string): number | null {
	if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
	const found = query(root, `SELECT name FROM sqlite_master WHERE type = 'table' AND name = '${table}'`);
	if (found.length === 0) return null;
	const n = Number(query(root, `SELECT count(*) AS n FROM ${table}`)[0]?.n);
	if (!Number.isInteger(n)) throw new Error(`wrangler d1 execute did not say how many rows ${table} holds`);
	return n;
}

function query(root: string, sql: string): Record<string, unknown>[] {
	const args = ["d1", "execute", D1_NAME, "--remote", "--json", "-c", D1_CONFIG, "--command", sql];
	const r = spawnSync("wrangler", args, { cwd: root, encoding: "utf8", env: wranglerEnv(root) });
	if (r.error) throw new Error(`could not start wrangler: ${r.error.message}`);
	const parsed = parseJson(r.stdout);
	if (r.status !== 0) {
		const said = (parsed as { error?: { text?: string; message?: string } } | null)?.error;
		throw new Error(`wrangler d1 execute failed: ${said?.text ?? said?.message ?? lastLine(r.stderr || r.stdout)}`);
	}
	// `--json` prints one result per statement: [{ results: [...], success, meta }].
	const results = (parsed as { results?: unknown }[] | null)?.[0]?.results;
	if (!Array.isArray(results)) throw new Error(`wrangler d1 execute printed no results: ${lastLine(r.stdout)}`);
	return results as Record<string, unknown>[];
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

function lastLine(text: string): string {
	return text.trim().split("\n").at(-1) ?? "";
}
