/**
 * The owner's download as text, streamed page by page from the project's
 * object: `sql`, a dump that `sqlite3 app.db < app.sql` loads (and that
 * `env.DB.exec` loads once its first and last lines, the transaction, are
 * left out), or `json`, JSON Lines: one object a line, `{"table","sql"}` for
 * each table, then `{"table","row"}` for each row (a blob as `{"$base64"}`),
 * then `{"sql"}` for each index, trigger and view.
 */
import type { SqlValue } from "./execute";
import { type ExportItem, type ExportPage, type ExportPosition, quoteIdent } from "./export";

export type DumpFormat = "sql" | "json";

/** About this many bytes of rows per page read from the object. */
const PAGE_BYTES = 512 * 1024;

export const DUMP_TYPES: Record<DumpFormat, string> = {
	sql: "application/sql; charset=utf-8",
	json: "application/x-ndjson; charset=utf-8",
};

const SQL_HEAD = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n";
const SQL_TAIL = "COMMIT;\n";

/** A stream of the whole download; `page` reads one page from the object. */
export function dumpStream(
	format: DumpFormat,
	page: (from: ExportPosition, maxBytes: number) => Promise<ExportPage>,
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let next: ExportPosition | null = { table: 0, after: null };
	let started = false;
	return new ReadableStream({
		async pull(controller) {
			if (next === null) {
				controller.close();
				return;
			}
			const got = await page(next, PAGE_BYTES);
			let text = started || format !== "sql" ? "" : SQL_HEAD;
			started = true;
			for (const item of got.items) text += format === "sql" ? sqlText(item) : jsonText(item);
			next = got.next;
			if (next === null && format === "sql") text += SQL_TAIL;
			controller.enqueue(encoder.encode(text));
		},
	});
}

function sqlText(item: ExportItem): string {
	if (item.kind !== "rows") return `${item.sql};\n`;
	const into = `INSERT INTO ${quoteIdent(item.table)} (${item.columns.map(quoteIdent).join(", ")}) VALUES `;
	return item.rows.map((row) => `${into}(${row.map(sqlLiteral).join(", ")});\n`).join("");
}

function sqlLiteral(v: SqlValue): string {
	if (v === null) return "NULL";
	if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "9e999" : v < 0 ? "-9e999" : "NULL";
	if (typeof v === "string") return `'${v.replaceAll("'", "''")}'`;
	return `X'${[...new Uint8Array(v)].map((b) => b.toString(16).padStart(2, "0")).join("")}'`;
}

function jsonText(item: ExportItem): string {
	if (item.kind === "table") return `${JSON.stringify({ table: item.name, sql: item.sql })}\n`;
	if (item.kind === "schema") return `${JSON.stringify({ sql: item.sql })}\n`;
	return item.rows
		.map((row) => {
			const o: Record<string, unknown> = {};
			item.columns.forEach((c, i) => {
				const v = row[i];
				o[c] = v instanceof ArrayBuffer ? { $base64: base64(v) } : v;
			});
			return `${JSON.stringify({ table: item.table, row: o })}\n`;
		})
		.join("");
}

function base64(buf: ArrayBuffer): string {
	let s = "";
	for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
	return btoa(s);
}
