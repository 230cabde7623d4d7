/**
 * Runs an app's SQL statements against its project's SQLite storage (a
 * Durable Object's `ctx.storage.sql`) as one transaction, under quotas, and
 * answers in plain JSON-able data: the rows of each statement, or an error
 * `{ code, message }`. What can be bounded is bounded here:
 * - the statements (count, SQL length, parameters) before anything runs;
 * - each result's rows and the call's bytes while rows are read: the cursor is
 *   lazy, so a `WITH RECURSIVE` that would yield ten million rows stops at the
 *   first row past the quota, and the transaction is rolled back;
 * - the database's size after the writes: a call that grows it past the
 *   quota is rolled back (one that shrinks it or keeps it always works, so a
 *   full database can still be cleaned up).
 * What cannot: `sql.exec` is synchronous and cannot be interrupted, so one
 * statement that works long before yielding a row (an aggregate or a sort
 * over a huge generated set) runs to its end. It blocks only its own
 * project's object; the platform's CPU limit is what ends it.
 */
import type { DbLimits } from "./limits";

export interface SqlStatement {
	sql: string;
	params: SqlValue[];
}

/** What a statement may bind and a row may hold, as it crosses RPC (a blob is an ArrayBuffer). */
export type SqlValue = string | number | null | ArrayBuffer;

export interface StatementResult {
	columns: string[];
	rows: SqlValue[][];
	rowsRead: number;
	rowsWritten: number;
	/** Rows changed by this statement (0 for a read). */
	changes: number;
	lastRowId: number;
	durationMs: number;
}

export interface DbError {
	code: string;
	message: string;
}

export type ExecuteAnswer = { results: StatementResult[]; sizeAfter: number } | { error: DbError };

/** An error that ends the call and rolls it back, carrying the code the app sees. */
class QuotaError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/**
 * Runs `statements` in order inside one `transactionSync`: all take effect or
 * none does. `storage` is the object's storage; nothing here awaits.
 */
export function executeStatements(
	storage: DurableObjectStorage,
	statements: SqlStatement[],
	limits: DbLimits,
): ExecuteAnswer {
	const refused = checkStatements(statements, limits);
	if (refused) return { error: refused };
	const sql = storage.sql;
	const sizeBefore = sql.databaseSize;
	try {
		const budget = { bytes: limits.maxResultBytes };
		const results = storage.transactionSync(() => {
			const out = statements.map((s) => runOne(sql, s, limits, budget));
			const sizeAfter = sql.databaseSize;
			if (sizeAfter > limits.maxDatabaseBytes && sizeAfter > sizeBefore) {
				throw new QuotaError(
					"database_full",
					`The app's database is at most ${limits.maxDatabaseBytes} bytes; this write would make it ${sizeAfter}. Nothing was written. Delete rows to make room.`,
				);
			}
			return out;
		});
		return { results, sizeAfter: sql.databaseSize };
	} catch (err) {
		if (err instanceof QuotaError) return { error: { code: err.code, message: err.message } };
		// SQLite's own message (syntax, constraint, no such table, a statement the runtime refuses).
		return { error: { code: "sql_error", message: err instanceof Error ? err.message : String(err) } };
	}
}

/** Kiln's table names in an app's SQL, however quoted or cased (SQLite compares names without case). */
const RESERVED = /_kiln_/i;

function checkStatements(statements: SqlStatement[], limits: DbLimits): DbError | null {
	if (!Array.isArray(statements) || statements.length === 0) {
		return { code: "invalid_statement", message: "No statement to run." };
	}
	if (statements.length > limits.maxStatements) {
		return { code: "too_many_statements", message: `A batch is at most ${limits.maxStatements} statements.` };
	}
	for (const s of statements) {
		if (typeof s?.sql !== "string" || s.sql.trim() === "") {
			return { code: "invalid_statement", message: "A statement's SQL must be a non-empty string." };
		}
		if (s.sql.length > limits.maxSqlLength) {
			return { code: "statement_too_long", message: `A statement is at most ${limits.maxSqlLength} characters.` };
		}
		// Kiln's own tables (the document store's _kiln_documents) are reached only through env.db, which
		// keeps their rules; a statement that names one is refused (a string that merely holds it, too).
		if (RESERVED.test(s.sql)) {
			return {
				code: "reserved_name",
				message:
					"Names starting with _kiln_ are Kiln's: _kiln_documents holds the app's document store; use env.db for it.",
			};
		}
		if (!Array.isArray(s.params) || s.params.length > limits.maxParams) {
			return { code: "too_many_params", message: `A statement binds at most ${limits.maxParams} values.` };
		}
		for (const p of s.params) {
			if (!(p === null || typeof p === "string" || typeof p === "number" || p instanceof ArrayBuffer)) {
				return {
					code: "invalid_param",
					message: "A bound value is a string, number, boolean, null or bytes (ArrayBuffer, Uint8Array).",
				};
			}
		}
	}
	return null;
}

function runOne(sql: SqlStorage, s: SqlStatement, limits: DbLimits, budget: { bytes: number }): StatementResult {
	const started = Date.now();
	const cursor = sql.exec(s.sql, ...s.params);
	const rows: SqlValue[][] = [];
	// Read row by row: the quotas stop a huge result before it is all in memory.
	for (const row of cursor.raw<SqlValue[]>()) {
		if (rows.length === limits.maxResultRows) {
			throw new QuotaError(
				"result_too_large",
				`A result is at most ${limits.maxResultRows} rows; add a LIMIT (and page with WHERE ... > last).`,
			);
		}
		budget.bytes -= rowBytes(row);
		if (budget.bytes < 0) {
			throw new QuotaError(
				"result_too_large",
				`The results of one call are at most ${limits.maxResultBytes} bytes; select fewer columns or rows.`,
			);
		}
		rows.push(row);
	}
	const rowsWritten = cursor.rowsWritten;
	const after =
		rowsWritten > 0
			? sql.exec<{ c: number; r: number }>("SELECT changes() AS c, last_insert_rowid() AS r").one()
			: null;
	return {
		columns: cursor.columnNames,
		rows,
		rowsRead: cursor.rowsRead,
		rowsWritten,
		changes: after?.c ?? 0,
		lastRowId: after?.r ?? 0,
		durationMs: Date.now() - started,
	};
}

/** A row's size as it will travel: UTF-8 bytes of text (counted without encoding), 8 a number. */
export function rowBytes(row: SqlValue[]): number {
	let n = 0;
	for (const v of row) {
		if (typeof v === "string") n += utf8Length(v);
		else if (v instanceof ArrayBuffer) n += v.byteLength;
		else n += 8;
	}
	return n;
}

export function utf8Length(s: string): number {
	let n = s.length;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
	}
	return n;
}
