/**
 * Quotas of an app's SQL database. The size is a setting (`APP_DB_MAX_BYTES`,
 * to fit the operator's bill); the rest are fixed, chosen like D1's own
 * (100 bound values, 100 KB of SQL a statement) or to keep one call's answer
 * well inside an RPC message and an app's 1 MiB response.
 */
export interface DbLimits {
	maxDatabaseBytes: number;
	maxResultRows: number;
	/** Bytes of all the rows one call returns (a batch counts as one call). */
	maxResultBytes: number;
	maxStatements: number;
	maxSqlLength: number;
	maxParams: number;
}

export const DEFAULT_DB_MAX_BYTES = 100 * 1024 * 1024;
/** A Durable Object's SQLite storage holds at most 10 GB. */
const MAX_DB_MAX_BYTES = 10 * 1000 * 1000 * 1000;
/** Below this an empty database (its own bookkeeping pages) would already be full. */
const MIN_DB_MAX_BYTES = 64 * 1024;

export const FIXED_DB_LIMITS = {
	maxResultRows: 10_000,
	maxResultBytes: 4 * 1024 * 1024,
	maxStatements: 100,
	maxSqlLength: 100_000,
	maxParams: 100,
} as const;

/** The limits, with the size from the setting (a missing or bad value means the default). */
export function dbLimits(setting: string | undefined): DbLimits {
	const n = Number(setting);
	const ok = setting !== undefined && setting.trim() !== "" && Number.isInteger(n);
	const size = ok && n >= MIN_DB_MAX_BYTES && n <= MAX_DB_MAX_BYTES ? n : DEFAULT_DB_MAX_BYTES;
	return { ...FIXED_DB_LIMITS, maxDatabaseBytes: size };
}
