/**
 * The old home of the apps' document store, D1's `app_data` table, as the
 * carry-over reads it (workers/codegen/app-db/carry-over.ts). Since this
 * release the documents live in each project's own database; these queries
 * move what the table still holds (left by older releases, or written by old
 * code still serving during the deploy) and delete exactly what was moved.
 * The next release removes the table from the schema and this file with it.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { appData } from "./schema";

/** One document as the old table holds it. */
export interface OldDocument {
	collection: string;
	key: string;
	/** JSON text as stored. */
	value: string;
	updatedAt: number;
}

/**
 * Up to `maxRows` of a project's documents, in (collection, key) order, and no
 * more once their values reach `maxBytes` (the one that crosses it is the
 * last): a bounded piece to carry, however large the documents. Bounded in
 * the query, so D1 sends no more than the piece.
 */
export async function readOldDocuments(
	db: Db,
	projectId: string,
	opts: { maxRows: number; maxBytes: number },
): Promise<OldDocument[]> {
	const rows = await db.all<{ collection: string; key: string; value: string; updated_at: number }>(sql`
		SELECT collection, key, value, updated_at FROM (
			SELECT collection, key, value, updated_at,
				length(CAST(value AS BLOB)) AS size,
				sum(length(CAST(value AS BLOB))) OVER (ORDER BY collection, key ROWS UNBOUNDED PRECEDING) AS running
			FROM ${appData}
			WHERE project_id = ${projectId}
		)
		WHERE running - size < ${opts.maxBytes}
		ORDER BY collection, key
		LIMIT ${opts.maxRows}`);
	return rows.map((r) => ({ collection: r.collection, key: r.key, value: r.value, updatedAt: r.updated_at }));
}

/**
 * Deletes the rows that were carried, each only if it is still exactly as it
 * was read (same key, `updated_at` and value): a row that old code rewrote in
 * the meantime stays, to be carried next time. One statement, the rows as one
 * JSON parameter (D1 binds at most 100 values).
 */
export async function deleteCarried(db: Db, projectId: string, docs: OldDocument[]): Promise<number> {
	if (docs.length === 0) return 0;
	const carried = JSON.stringify(docs.map((d) => [d.collection, d.key, d.updatedAt, d.value]));
	// Driven from the JSON list (CROSS JOIN keeps SQLite from turning the loops around), each row
	// found by the table's primary key.
	const rows = await db.all<{ key: string }>(sql`
		DELETE FROM ${appData}
		WHERE rowid IN (
			SELECT d.rowid FROM json_each(${carried}) j
			CROSS JOIN ${appData} d ON d.project_id = ${projectId} AND d.collection = j.value ->> 0 AND d.key = j.value ->> 1
			WHERE d.updated_at = j.value ->> 2 AND d.value = j.value ->> 3
		)
		RETURNING key`);
	return rows.length;
}

/** Up to `limit` projects whose documents are still (partly) in the old table. */
export async function projectsWithOldDocuments(db: Db, limit: number): Promise<string[]> {
	const rows = await db.all<{ project_id: string }>(
		sql`SELECT DISTINCT project_id FROM ${appData} ORDER BY project_id LIMIT ${limit}`,
	);
	return rows.map((r) => r.project_id);
}

/** How many documents are still to carry, across all projects. */
export async function countOldDocuments(db: Db): Promise<number> {
	const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${appData}`);
	return row?.n ?? 0;
}

/** Drops a project's documents from the old table (the owner's reset, which must not carry them back). */
export async function deleteOldDocuments(db: Db, projectId: string): Promise<void> {
	await db.run(sql`DELETE FROM ${appData} WHERE project_id = ${projectId}`);
}
