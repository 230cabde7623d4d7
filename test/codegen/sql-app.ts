/**
 * A test app for the project's SQL database: its server runs what the test
 * sends through env.DB, the D1-shaped API, and answers the result.
 */
import { expect } from "vitest";
import { callWithEnv, onOrigin } from "./helpers";

/**
 * An app whose server runs what the test asks through env.DB, the D1-shaped
 * API, and answers the result, or the error it caught as `{ error: { code, message } }`
 * (`"throw": true` lets it escape, as an app that does not catch would).
 */
export const SQL_APP = `export default {
	async fetch(request, env) {
		const q = await request.json();
		// A parameter { bytes: [...] } is bound as a Uint8Array (JSON has no bytes).
		const arg = (p) => (p && p.bytes ? new Uint8Array(p.bytes) : p);
		const st = (s) => env.DB.prepare(s.sql).bind(...(s.params ?? []).map(arg));
		try {
			let out;
			if (q.op === "batch") out = await env.DB.batch(q.statements.map(st));
			else if (q.op === "exec") out = await env.DB.exec(q.sql);
			else if (q.op === "first") out = await st(q).first(q.column);
			else if (q.op === "raw") out = await st(q).raw(q.options);
			else out = await st(q)[q.op]();
			return Response.json({ out });
		} catch (err) {
			if (q.throw) throw err;
			return Response.json({ error: { code: err.code ?? null, message: String(err.message) } }, { status: 400 });
		}
	},
};`;

export interface Answer {
	out?: unknown;
	error?: { code: string | null; message: string };
}

export type Sql = Record<string, unknown>;

/** Runs one request of SQL_APP on its project's origin (or under /p/ with settings changed). */
export async function sql(project: string, q: Sql, settings?: Partial<Record<keyof CodegenBindings, unknown>>) {
	const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(q) };
	const res = settings
		? await callWithEnv({ ...settings, PROJECT_ORIGIN: "off" }, `/p/${project}/api/sql`, init)
		: await onOrigin(project, "/api/sql", init);
	return { status: res.status, body: (await res.json()) as Answer };
}

export async function count(project: string, table: string): Promise<number> {
	const { body } = await sql(project, { op: "first", sql: `SELECT count(*) AS n FROM ${table}`, column: "n" });
	expect(body.error).toBeUndefined();
	return body.out as number;
}
