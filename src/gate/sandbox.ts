import type { D1Database } from "@cloudflare/workers-types";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { isTransactionControl } from "./sql-split";
import type { MigrationFile, Statement } from "./types";

/** Keep in step with the Workers' wrangler.toml files. */
const COMPATIBILITY_DATE = "2026-11-01";

export interface SandboxWorker {
	name: string;
	/** ES module source of the worker. */
	script: string;
	/** binding name -> database id; the same id in two workers is the same database. */
	d1: Record<string, string>;
}

/**
 * Real local D1 databases (Miniflare's, the engine `wrangler dev` uses),
 * driven from Node. One workerd process per gate run: the databases the gate
 * inspects are bound to a small "gate" worker; extra workers (the old tests'
 * runner) can share them by id.
 */
export class Sandbox {
	private constructor(private readonly mf: Miniflare) {}

	static async start(databases: string[], workers: SandboxWorker[] = []): Promise<Sandbox> {
		const gate = {
			name: "gate",
			modules: true,
			script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
			compatibilityDate: COMPATIBILITY_DATE,
			d1Databases: Object.fromEntries(databases.map((d) => [d, d])),
		};
		const mf = new Miniflare(
			convertV4MiniflareOptions({
				workers: [
					gate,
					...workers.map((w) => ({
						name: w.name,
						modules: true,
						script: w.script,
						compatibilityDate: COMPATIBILITY_DATE,
						d1Databases: w.d1,
					})),
				],
			}),
		);
		await mf.ready;
		return new Sandbox(mf);
	}

	db(name: string): Promise<D1Database> {
		return this.mf.getD1Database(name, "gate") as unknown as Promise<D1Database>;
	}

	/** Sends a request to one of the extra workers. */
	async fetchJson<T>(worker: string, path: string, body?: unknown): Promise<T> {
		const fetcher = await this.mf.getWorker(worker);
		const res = await fetcher.fetch(`http://gate.local${path}`, {
			method: body === undefined ? "GET" : "POST",
			body: body === undefined ? undefined : JSON.stringify(body),
			headers: { "content-type": "application/json" },
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${worker}${path} answered ${res.status}: ${text.slice(0, 500)}`);
		return JSON.parse(text) as T;
	}

	dispose(): Promise<void> {
		return this.mf.dispose();
	}
}

export interface ApplyFailure {
	file: MigrationFile;
	statement: Statement | null;
	error: string;
}

/**
 * Applies migration files the way D1 does: each file in one atomic batch,
 * files in order. Stops at the first file that fails and names the statement
 * (found by replaying prefixes of the file, each rolled back).
 *
 * Transaction control (BEGIN, COMMIT, ...) is left out: in a new file layer 1
 * already blocks it, and in the ref's files it was run by a migrator that owns
 * the transaction (drizzle's, on SQLite outside D1), which the batch stands in
 * for. Keeping it would only stop layers 2-4 from judging anything else.
 */
export async function applyMigrations(db: D1Database, files: MigrationFile[]): Promise<ApplyFailure | null> {
	for (const original of files) {
		const file = { ...original, statements: original.statements.filter((s) => !isTransactionControl(s.sql)) };
		if (file.statements.length === 0) continue;
		try {
			await db.batch(file.statements.map((s) => db.prepare(s.sql)));
		} catch (e) {
			return { file, statement: await findFailingStatement(db, file), error: cleanD1Error(e) };
		}
	}
	return null;
}

const SENTINEL = "SELECT * FROM kiln_gate_rollback_sentinel";

async function findFailingStatement(db: D1Database, file: MigrationFile): Promise<Statement | null> {
	for (let n = 1; n <= file.statements.length; n++) {
		const prefix = file.statements.slice(0, n).map((s) => db.prepare(s.sql));
		try {
			// The sentinel fails on purpose so the batch always rolls back.
			await db.batch([...prefix, db.prepare(SENTINEL)]);
		} catch (e) {
			if (!String((e as Error).message).includes("kiln_gate_rollback_sentinel")) return file.statements[n - 1];
		}
	}
	return null;
}

/** D1's errors carry a "D1_ERROR: " prefix and a SQLite code suffix; keep the readable middle. */
export function cleanD1Error(e: unknown): string {
	const msg = e instanceof Error ? e.message : String(e);
	return msg
		.replace(/^(D1_ERROR|D1_EXEC_ERROR):\s*/i, "")
		.replace(/:\s*SQLITE_\w+$/, "")
		.trim();
}
