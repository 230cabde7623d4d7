import type { D1Database } from "@cloudflare/workers-types";

export interface ColumnInfo {
	name: string;
	type: string;
	notNull: boolean;
	/** The DEFAULT expression as SQLite stores it, or null. */
	default: string | null;
	/** Position in the primary key (1-based), 0 when not part of it. */
	pk: number;
	/** Non-zero for generated and hidden columns, which nobody inserts into. */
	hidden: number;
}

export interface IndexInfo {
	name: string;
	unique: boolean;
	/** "c" CREATE INDEX, "u" UNIQUE constraint, "pk" PRIMARY KEY. */
	origin: string;
	partial: boolean;
	/** Column names; null for an expression. */
	columns: (string | null)[];
}

export interface ForeignKeyInfo {
	table: string;
	from: string[];
	to: (string | null)[];
	onDelete: string;
	onUpdate: string;
}

export interface TableInfo {
	name: string;
	sql: string;
	columns: ColumnInfo[];
	indexes: IndexInfo[];
	foreignKeys: ForeignKeyInfo[];
	/** CHECK expressions (the text inside CHECK(...)), as written. */
	checks: string[];
}

export interface SchemaModel {
	tables: Map<string, TableInfo>;
	views: Map<string, string>;
}

// Tables that belong to the platform, not to the application.
const own = (a: string) =>
	`${a}.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ${a}.name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND ${a}.name <> 'd1_migrations'`;

/** Reads a database's schema in one round trip (one batch of pragma table-valued functions). */
export async function introspect(db: D1Database): Promise<SchemaModel> {
	const [objects, columns, indexes, fks] = await db.batch([
		db.prepare(
			`SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE ${own("sqlite_schema")} AND type IN ('table','view')`,
		),
		db.prepare(
			`SELECT m.name AS tbl, p.cid, p.name, p.type, p."notnull" AS nn, p.dflt_value, p.pk, p.hidden
			 FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND ${own("m")} ORDER BY m.name, p.cid`,
		),
		db.prepare(
			`SELECT m.name AS tbl, il.name AS idx, il."unique" AS uq, il.origin, il.partial, ii.seqno, ii.name AS col
			 FROM sqlite_schema m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii
			 WHERE m.type = 'table' AND ${own("m")} ORDER BY m.name, il.name, ii.seqno`,
		),
		db.prepare(
			`SELECT m.name AS tbl, f.id, f.seq, f."table" AS parent, f."from" AS fromCol, f."to" AS toCol, f.on_update, f.on_delete
			 FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND ${own("m")} ORDER BY m.name, f.id, f.seq`,
		),
	]);
	const model: SchemaModel = { tables: new Map(), views: new Map() };
	for (const o of objects.results as { type: string; name: string; sql: string }[]) {
		if (o.type === "view") model.views.set(o.name, o.sql);
		else
			model.tables.set(o.name, {
				name: o.name,
				sql: o.sql,
				columns: [],
				indexes: [],
				foreignKeys: [],
				checks: extractChecks(o.sql),
			});
	}
	for (const c of columns.results as Record<string, string | number | null>[]) {
		model.tables.get(String(c.tbl))?.columns.push({
			name: String(c.name),
			type: String(c.type ?? ""),
			notNull: Number(c.nn) === 1,
			default: c.dflt_value === null ? null : String(c.dflt_value),
			pk: Number(c.pk),
			hidden: Number(c.hidden),
		});
	}
	const idx = new Map<string, IndexInfo>();
	for (const r of indexes.results as Record<string, string | number | null>[]) {
		const key = `${r.tbl}\u0000${r.idx}`;
		let i = idx.get(key);
		if (!i) {
			i = {
				name: String(r.idx),
				unique: Number(r.uq) === 1,
				origin: String(r.origin),
				partial: Number(r.partial) === 1,
				columns: [],
			};
			idx.set(key, i);
			model.tables.get(String(r.tbl))?.indexes.push(i);
		}
		i.columns.push(r.col === null ? null : String(r.col));
	}
	const fk = new Map<string, ForeignKeyInfo>();
	for (const r of fks.results as Record<string, string | number | null>[]) {
		const key = `${r.tbl}\u0000${r.id}`;
		let f = fk.get(key);
		if (!f) {
			f = {
				table: String(r.parent),
				from: [],
				to: [],
				onDelete: String(r.on_delete).toUpperCase(),
				onUpdate: String(r.on_update).toUpperCase(),
			};
			fk.set(key, f);
			model.tables.get(String(r.tbl))?.foreignKeys.push(f);
		}
		f.from.push(String(r.fromCol));
		f.to.push(r.toCol === null ? null : String(r.toCol));
	}
	return model;
}

/** SQLite's type affinity rules (datatype3.html, section 3.1). */
export function affinity(declared: string): "INTEGER" | "TEXT" | "BLOB" | "REAL" | "NUMERIC" {
	const t = declared.toUpperCase();
	if (t.includes("INT")) return "INTEGER";
	if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return "TEXT";
	if (t === "" || t.includes("BLOB")) return "BLOB";
	if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return "REAL";
	return "NUMERIC";
}

/** The expressions of every CHECK(...) in a CREATE TABLE statement, skipping strings and quoted names. */
export function extractChecks(sql: string | null): string[] {
	if (!sql) return [];
	const out: string[] = [];
	let i = 0;
	while (i < sql.length) {
		const c = sql[i];
		if (c === "'" || c === '"' || c === "`" || c === "[") {
			const close = c === "[" ? "]" : c;
			let j = i + 1;
			while (j < sql.length && !(sql[j] === close && sql[j + 1] !== close)) j += sql[j] === close ? 2 : 1;
			i = j + 1;
			continue;
		}
		if (/^check\s*\(/i.test(sql.slice(i, i + 12)) && (i === 0 || !/[\w$]/.test(sql[i - 1]))) {
			const open = sql.indexOf("(", i);
			const end = matchParen(sql, open);
			out.push(sql.slice(open + 1, end).trim());
			i = end + 1;
			continue;
		}
		i++;
	}
	return out;
}

/** Index of the `)` that closes the `(` at `open`, ignoring parentheses in strings. */
export function matchParen(s: string, open: number): number {
	let depth = 0;
	for (let i = open; i < s.length; i++) {
		const c = s[i];
		if (c === "'" || c === '"' || c === "`") {
			let j = i + 1;
			while (j < s.length && !(s[j] === c && s[j + 1] !== c)) j += s[j] === c ? 2 : 1;
			i = j;
			continue;
		}
		if (c === "(") depth++;
		else if (c === ")" && --depth === 0) return i;
	}
	return s.length;
}

/** Names of `table`'s columns that an expression mentions (bare or quoted). */
export function columnsIn(expr: string, table: TableInfo): string[] {
	return table.columns.map((c) => c.name).filter((n) => identifierPattern(n).test(expr));
}

export function identifierPattern(name: string, flags = "i"): RegExp {
	const e = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
	return new RegExp(`(?:[\`"\\[]${e}[\`"\\]]|(?<![\\w$'])${e}(?![\\w$']))`, flags);
}
