/**
 * One project's server log: a SQLite-backed Durable Object per project
 * (`idFromName(project)`, binding `APP_LOGS`), apart from the project's SQL
 * database (`AppDatabase`), which the app's own code reads whole: an app can
 * neither read nor write its log. Per-request writes go to the project's own
 * object, not to D1's one primary. A ring: the newest `LOG_MAX_ENTRIES`
 * entries of the last `LOG_MAX_AGE_MS`, trimmed on every write.
 */
import { DurableObject } from "cloudflare:workers";
import { LOG_MAX_AGE_MS, LOG_MAX_ENTRIES, type LogEntryJson } from "../../../src/shared/secrets";
import type { RequestFacts, RuntimeReport } from "./entry";

interface Row extends Record<string, SqlStorageValue> {
	id: string;
	at: number;
	method: string;
	path: string;
	status: number | null;
	duration_ms: number | null;
	version: number | null;
	logs: string;
	errors: string;
	truncated: number;
}

export class AppLogs extends DurableObject<CodegenBindings> {
	constructor(ctx: DurableObjectState, env: CodegenBindings) {
		super(ctx, env);
		ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS entries (
			seq INTEGER PRIMARY KEY AUTOINCREMENT,
			id TEXT NOT NULL UNIQUE,
			at INTEGER NOT NULL,
			method TEXT NOT NULL,
			path TEXT NOT NULL,
			status INTEGER,
			duration_ms INTEGER,
			version INTEGER,
			logs TEXT NOT NULL DEFAULT '[]',
			errors TEXT NOT NULL DEFAULT '[]',
			truncated INTEGER NOT NULL DEFAULT 0
		)`);
		ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS entries_at ON entries (at)");
	}

	/**
	 * Stores a batch of reports (logs/queue.ts gathers them), in one transaction, then
	 * trims once. Kiln's report of a request (`facts`: the answer's status and duration)
	 * and the runtime's (`reports`: the app's output) meet by id, in either order; Kiln's
	 * status wins over the app's own.
	 */
	write(facts: RequestFacts[], reports: RuntimeReport[]): void {
		const sql = this.ctx.storage.sql;
		this.ctx.storage.transactionSync(() => {
			for (const f of facts) {
				sql.exec(
					`INSERT INTO entries (id, at, method, path, status, duration_ms, version) VALUES (?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (id) DO UPDATE SET at = excluded.at, method = excluded.method, path = excluded.path,
						status = excluded.status, duration_ms = excluded.duration_ms, version = excluded.version`,
					f.id,
					f.at,
					f.method,
					f.path,
					f.status,
					f.durationMs,
					f.version,
				);
			}
			for (const r of reports) {
				sql.exec(
					`INSERT INTO entries (id, at, method, path, status, logs, errors, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (id) DO UPDATE SET logs = excluded.logs, errors = excluded.errors, truncated = excluded.truncated,
						status = coalesce(entries.status, excluded.status)`,
					r.id,
					r.at,
					r.method,
					r.path,
					r.status,
					JSON.stringify(r.logs),
					JSON.stringify(r.errors),
					r.truncated ? 1 : 0,
				);
			}
			this.trim();
		});
	}

	/** The newest entries first, at most `limit`, none older than the retention. */
	list(limit: number, now = Date.now()): LogEntryJson[] {
		const rows = this.ctx.storage.sql
			.exec<Row>(
				"SELECT * FROM entries WHERE at >= ? ORDER BY at DESC, seq DESC LIMIT ?",
				now - LOG_MAX_AGE_MS,
				Math.min(Math.max(1, Math.trunc(limit)), LOG_MAX_ENTRIES),
			)
			.toArray();
		return rows.map((r) => ({
			id: r.id,
			at: r.at,
			method: r.method,
			path: r.path,
			status: r.status,
			durationMs: r.duration_ms,
			version: r.version,
			logs: JSON.parse(r.logs),
			errors: JSON.parse(r.errors),
			truncated: r.truncated === 1,
		}));
	}

	/** Drops what is past the retention: older than a day, or beyond the newest LOG_MAX_ENTRIES. */
	private trim(now = Date.now()): void {
		this.ctx.storage.sql.exec(
			`DELETE FROM entries WHERE at < ?
				OR seq <= (SELECT seq FROM entries ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
			now - LOG_MAX_AGE_MS,
			LOG_MAX_ENTRIES,
		);
	}
}

/** The log object of `project`: the one way Kiln's code names one. */
export function appLogs(namespace: DurableObjectNamespace<AppLogs>, project: string) {
	return namespace.get(namespace.idFromName(project));
}
