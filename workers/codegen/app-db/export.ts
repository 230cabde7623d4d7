/**
 * The owner's download of an app's database, read a page at a time: the
 * database may hold far more than one RPC message or one Worker's memory, so
 * the object answers pages of about `maxBytes` and the route streams them.
 * Each page is a fresh query from a position (a table and its last rowid), so
 * nothing is held open between pages; while the app writes, the download is
 * not one snapshot, which the README says.
 */
import { rowBytes, type SqlValue } from "./execute";

/** Where the next page starts: `table` indexes the user tables in name order; past them, the rest of the schema. */
export interface ExportPosition {
	table: number;
	/** The last rowid read from that table, or null before its first row. */
	after: number | null;
}

export type ExportItem =
	| { kind: "table"; name: string; sql: string }
	| { kind: "rows"; table: string; columns: string[]; rows: SqlValue[][] }
	/** Indexes, triggers and views: after the data, as a dump loads fastest. */
	| { kind: "schema"; sql: string };

export interface ExportPage {
	items: ExportItem[];
	next: ExportPosition | null;
}

const ROWS_PER_QUERY = 500;

/**
 * The user's tables: not SQLite's own, not the runtime's (`_cf_*`), and not
 * `__miniflare_do_name`, which `wrangler dev` (Miniflare's Durable Object
 * wrapper) writes into every named object locally: the app never made it.
 */
function userTables(sql: SqlStorage): { name: string; sql: string }[] {
	return sql
		.exec<{ name: string; sql: string }>(
			"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name <> '__miniflare_do_name' ORDER BY name",
		)
		.toArray();
}

export function quoteIdent(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

/** One page of the export from `from`, of about `maxBytes` (at least one query's rows). */
export function exportPage(sql: SqlStorage, from: ExportPosition, maxBytes: number): ExportPage {
	const tables = userTables(sql);
	const items: ExportItem[] = [];
	let budget = maxBytes;
	let pos: ExportPosition = from;
	while (pos.table < tables.length) {
		const t = tables[pos.table];
		if (pos.after === null) {
			items.push({ kind: "table", name: t.name, sql: t.sql });
			budget -= t.sql.length;
		}
		// A WITHOUT ROWID table has no _rowid_: it is read whole (such tables are rare in apps).
		const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(t.sql);
		const name = quoteIdent(t.name);
		const cursor = withoutRowid
			? sql.exec(`SELECT NULL, * FROM ${name}`)
			: pos.after === null
				? sql.exec(`SELECT _rowid_, * FROM ${name} ORDER BY _rowid_ LIMIT ${ROWS_PER_QUERY}`)
				: sql.exec(
						`SELECT _rowid_, * FROM ${name} WHERE _rowid_ > ? ORDER BY _rowid_ LIMIT ${ROWS_PER_QUERY}`,
						pos.after,
					);
		const rows: SqlValue[][] = [];
		let last: number | null = pos.after;
		for (const row of cursor.raw<SqlValue[]>()) {
			last = row[0] as number;
			rows.push(row.slice(1));
			budget -= rowBytes(row);
		}
		if (rows.length > 0) items.push({ kind: "rows", table: t.name, columns: cursor.columnNames.slice(1), rows });
		const tableDone = withoutRowid || rows.length < ROWS_PER_QUERY;
		pos = tableDone ? { table: pos.table + 1, after: null } : { table: pos.table, after: last };
		if (budget <= 0) return { items, next: pos };
	}
	for (const { sql: text } of sql.exec<{ sql: string }>(
		"SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY type = 'view', name",
	)) {
		items.push({ kind: "schema", sql: text });
	}
	return { items, next: null };
}
