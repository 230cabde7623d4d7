import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client";
import { appData, projects } from "./schema";

export interface StoredDocument {
	key: string;
	/** JSON text as stored. */
	value: string;
	updatedAt: number;
}

export interface DocumentPage {
	documents: StoredDocument[];
	/** The last key of this page when more documents follow it, else null. */
	next: string | null;
}

/**
 * A page of a collection's documents, in key order, after the key `after`: at
 * most `limit` documents, and no more once their values reach `maxBytes` (the
 * document that crosses it is the page's last, so a page always holds at least
 * one). Both bounds hold in the query itself, so D1 never sends more than the
 * page: a running sum of the values' bytes, and a count of what follows each
 * key, which says whether `next` is needed.
 */
export async function listDocuments(
	db: Db,
	projectId: string,
	collection: string,
	opts: { limit: number; after?: string; maxBytes: number },
): Promise<DocumentPage> {
	const after = opts.after === undefined ? sql`` : sql`AND key > ${opts.after}`;
	const rows = await db.all<{ key: string; value: string; updated_at: number; remaining: number }>(sql`
		SELECT key, value, updated_at, remaining FROM (
			SELECT key, value, updated_at,
				length(CAST(value AS BLOB)) AS size,
				sum(length(CAST(value AS BLOB))) OVER (ORDER BY key ROWS UNBOUNDED PRECEDING) AS running,
				count(*) OVER (ORDER BY key ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS remaining
			FROM ${appData}
			WHERE project_id = ${projectId} AND collection = ${collection} ${after}
		)
		WHERE running - size < ${opts.maxBytes}
		ORDER BY key
		LIMIT ${opts.limit}`);
	const last = rows.at(-1);
	return {
		documents: rows.map((r) => ({ key: r.key, value: r.value, updatedAt: r.updated_at })),
		next: last && last.remaining > 1 ? last.key : null,
	};
}

export async function getDocument(
	db: Db,
	projectId: string,
	collection: string,
	key: string,
): Promise<StoredDocument | null> {
	const row = await db
		.select({ key: appData.key, value: appData.value, updatedAt: appData.updatedAt })
		.from(appData)
		.where(and(eq(appData.projectId, projectId), eq(appData.collection, collection), eq(appData.key, key)))
		.get();
	return row ?? null;
}

export type PutResult = { ok: true; updatedAt: number } | { ok: false; reason: "project_not_found" | "full" };

/**
 * Creates or replaces one document, in one statement that also enforces the
 * per-project document limit: a new key is written only while the project
 * holds fewer than `maxDocuments`; replacing an existing key always works.
 * Concurrent writers cannot push a project past the limit, because D1 runs
 * statements one at a time. `valueJson` must already be valid JSON text.
 */
export async function putDocument(
	db: Db,
	projectId: string,
	collection: string,
	key: string,
	valueJson: string,
	maxDocuments: number,
): Promise<PutResult> {
	const row = await db.get<{ updated_at: number }>(sql`
		INSERT INTO ${appData} (project_id, collection, key, value, updated_at)
		SELECT p.id, ${collection}, ${key}, ${valueJson}, unixepoch('subsec') * 1000
		FROM ${projects} p
		WHERE p.id = ${projectId}
			AND ((SELECT count(*) FROM ${appData} WHERE project_id = p.id) < ${maxDocuments}
				OR EXISTS (SELECT 1 FROM ${appData} WHERE project_id = p.id AND collection = ${collection} AND key = ${key}))
		ON CONFLICT (project_id, collection, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
		RETURNING updated_at`);
	if (row) return { ok: true, updatedAt: row.updated_at };
	// Nothing written: say why (a second query, only on this rare path).
	const project = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).get();
	return { ok: false, reason: project ? "full" : "project_not_found" };
}

/** Deletes one document; false when there was none. */
export async function deleteDocument(db: Db, projectId: string, collection: string, key: string): Promise<boolean> {
	const rows = await db
		.delete(appData)
		.where(and(eq(appData.projectId, projectId), eq(appData.collection, collection), eq(appData.key, key)))
		.returning({ key: appData.key });
	return rows.length > 0;
}
