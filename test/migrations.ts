import path from "node:path";
import { readD1Migrations } from "@cloudflare/vitest-plugin";

export const repoRoot = path.resolve(import.meta.dirname, "..");

/**
 * The migrations the Workers' tests apply. `KILN_MIGRATIONS_DIR` points them at
 * another folder: the migration gate runs an old release's tests against the
 * new release's migrations this way.
 */
export function testMigrations() {
	const dir = process.env.KILN_MIGRATIONS_DIR ?? path.join(repoRoot, "migrations");
	return readD1Migrations(dir);
}

/** Compatibility date of the Workers (kept in step with the wrangler.toml files). */
export const compatibilityDate = "2026-11-01";
