import { sql } from "drizzle-orm";
import type { Db } from "./client";

/**
 * Proves the database answers and has Kiln's tables: one cheap query that fails
 * on a missing binding, an unreachable database, or unapplied migrations.
 */
export async function checkDatabase(db: Db): Promise<void> {
	await db.get(sql`SELECT count(*) AS n FROM projects WHERE 0`);
}
