/**
 * The project's JSON document store (`kiln.db` in the page, `env.db` in the
 * server, `/_kiln/data/...`), kept in a table of the project's own SQL
 * database: `_kiln_documents`, made on the first write. It sits beside the
 * app's own tables, so its documents count against the database's size quota,
 * come out in the owner's download and go with a reset. The app's SQL cannot
 * name it (execute.ts refuses `_kiln_` names), so the store's rules (JSON
 * values, 64 KiB, 10,000 documents) hold for everything in it.
 *
 * Everything here is synchronous SQL on the object's storage: each call runs
 * whole before the object takes the next one.
 */
import { utf8Length } from "./execute";

export const DOCUMENTS_TABLE = "_kiln_documents";

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

export type PutResult =
	| { ok: true; updatedAt: number }
	/** `full`: the document limit; `database_full`: the database's size quota. */
	| { ok: false; reason: "full" | "database_full" };

const CREATE = `CREATE TABLE IF NOT EXISTS ${DOCUMENTS_TABLE} (
	collection TEXT NOT NULL,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (collection, key)
)`;

/** Whether the table exists: a project that never wrote a document has none (and reads answer empty). */
export function hasDocumentsTable(sql: SqlStorage): boolean {
	return (
		sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", DOCUMENTS_TABLE).toArray().length > 0
	);
}

function ensureTable(sql: SqlStorage): void {
	sql.exec(CREATE);
}

/**
 * A page of a collection's documents in key order after `after`: at most
 * `limit`, and no more once their values reach `maxBytes` (the document that
 * crosses it is the page's last, so a page always holds at least one). The
 * cursor is lazy: rows past the page are never read, but for one that says
 * whether `next` is needed.
 */
export function listDocuments(
	sql: SqlStorage,
	collection: string,
	opts: { limit: number; after?: string; maxBytes: number },
): DocumentPage {
	if (!hasDocumentsTable(sql)) return { documents: [], next: null };
	const rows =
		opts.after === undefined
			? sql.exec<{ key: string; value: string; updated_at: number }>(
					`SELECT key, value, updated_at FROM ${DOCUMENTS_TABLE} WHERE collection = ? ORDER BY key`,
					collection,
				)
			: sql.exec<{ key: string; value: string; updated_at: number }>(
					`SELECT key, value, updated_at FROM ${DOCUMENTS_TABLE} WHERE collection = ? AND key > ? ORDER BY key`,
					collection,
					opts.after,
				);
	const documents: StoredDocument[] = [];
	let bytes = 0;
	for (const r of rows) {
		if (documents.length === opts.limit || bytes >= opts.maxBytes) {
			// One more document follows the page.
			return { documents, next: documents.at(-1)?.key ?? null };
		}
		documents.push({ key: r.key, value: r.value, updatedAt: r.updated_at });
		bytes += utf8Length(r.value);
	}
	return { documents, next: null };
}

export function getDocument(sql: SqlStorage, collection: string, key: string): StoredDocument | null {
	if (!hasDocumentsTable(sql)) return null;
	const row = sql
		.exec<{ key: string; value: string; updated_at: number }>(
			`SELECT key, value, updated_at FROM ${DOCUMENTS_TABLE} WHERE collection = ? AND key = ?`,
			collection,
			key,
		)
		.toArray()[0];
	return row ? { key: row.key, value: row.value, updatedAt: row.updated_at } : null;
}

/**
 * Creates or replaces one document, as one transaction: a new key only while
 * the project holds fewer than `maxDocuments` (replacing one always works),
 * and nothing that grows the database past `maxDatabaseBytes` (the app's SQL
 * tables and the documents share it). `valueJson` must already be JSON text.
 */
export function putDocument(
	storage: DurableObjectStorage,
	collection: string,
	key: string,
	valueJson: string,
	limits: { maxDocuments: number; maxDatabaseBytes: number },
): PutResult {
	const sql = storage.sql;
	const sizeBefore = sql.databaseSize;
	const updatedAt = Date.now();
	try {
		return storage.transactionSync((): PutResult => {
			ensureTable(sql);
			const { n, here } = sql
				.exec<{ n: number; here: number }>(
					`SELECT count(*) AS n, EXISTS (SELECT 1 FROM ${DOCUMENTS_TABLE} WHERE collection = ? AND key = ?) AS here FROM ${DOCUMENTS_TABLE}`,
					collection,
					key,
				)
				.one();
			if (!here && n >= limits.maxDocuments) return { ok: false, reason: "full" };
			sql.exec(
				`INSERT INTO ${DOCUMENTS_TABLE} (collection, key, value, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
				collection,
				key,
				valueJson,
				updatedAt,
			);
			const sizeAfter = sql.databaseSize;
			// A write that grows the database past its quota is rolled back (transactionSync does, on a throw).
			if (sizeAfter > limits.maxDatabaseBytes && sizeAfter > sizeBefore) throw new DatabaseFull();
			return { ok: true, updatedAt };
		});
	} catch (err) {
		if (err instanceof DatabaseFull) return { ok: false, reason: "database_full" };
		throw err;
	}
}

class DatabaseFull extends Error {}

/** Deletes one document; false when there was none. */
export function deleteDocument(sql: SqlStorage, collection: string, key: string): boolean {
	if (!hasDocumentsTable(sql)) return false;
	return (
		sql.exec(`DELETE FROM ${DOCUMENTS_TABLE} WHERE collection = ? AND key = ? RETURNING key`, collection, key).toArray()
			.length > 0
	);
}

/** How many documents the project holds, across its collections. */
export function countDocuments(sql: SqlStorage): number {
	if (!hasDocumentsTable(sql)) return 0;
	return sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${DOCUMENTS_TABLE}`).one().n;
}
