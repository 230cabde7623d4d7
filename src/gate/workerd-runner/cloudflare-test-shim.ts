/** What old database tests may import from "cloudflare:test" when the gate runs them without vitest. */
import type { D1Database } from "@cloudflare/workers-types";

export { env } from "cloudflare:workers";

export interface D1Migration {
	name: string;
	queries: string[];
}

/** Same contract as the vitest plugin's: each unapplied migration in one batch, recorded in d1_migrations. */
export async function applyD1Migrations(db: D1Database, migrations: D1Migration[], table = "d1_migrations") {
	await db
		.prepare(
			`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
		)
		.run();
	const done = new Set(
		(await db.prepare(`SELECT name FROM ${table}`).all<{ name: string }>()).results.map((r) => r.name),
	);
	for (const m of migrations) {
		if (done.has(m.name)) continue;
		await db.batch([
			...m.queries.map((q) => db.prepare(q)),
			db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(m.name),
		]);
	}
}
