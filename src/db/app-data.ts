import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "./client";
import { appData, projects } from "./schema";

export interface StoredDocument {
	key: string;
	/** JSON text as stored. */
	value: string;
	updatedAt: number;
}

/** A page of a collection's documents, in key order, after the key `after`. */
export async function listDocuments(
	db: Db,
	projectId: string,
	collection: string,
	opts: { limit: number; after?: string },
): Promise<StoredDocument[]> {
	const where = and(
		eq(appData.projectId, projectId),
		eq(appData.collection, collection),
		opts.after === undefined ? undefined : gt(appData.key, opts.after),
	);
	return db
		.select({ key: appData.key, value: appData.value, updatedAt: appData.updatedAt })
		.from(appData)
		.where(where)
		.orderBy(asc(appData.key))
		.limit(opts.limit)
		.all();
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
