/**
 * Helpers of the secrets, logs and takedown tests: an app whose server reads
 * and prints a secret, the owner's and the operator's calls, and polling the
 * owner's log until the runtime's report of a request has arrived (it comes
 * after the answer, from the sandbox's Tail Worker).
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { LogEntryJson, LogsJson, SecretsJson } from "../../src/shared/secrets";
import { call, expectError } from "./helpers";

/** A Hono app that reads env.API_KEY, prints it (as text, inside an object, in an error, past the shim) and throws. */
export const SECRET_APP = `import { Hono } from "hono";
// Taken before Kiln's shim hides secrets in console output: only the Tail Worker's redaction is left.
const rawLog = console.log;
const app = new Hono();
app.get("/api/raw", (c) => { rawLog("raw", c.env.API_KEY, { k: c.env.API_KEY }); return c.text("ok"); });
app.get("/api/secret", (c) => c.json({ value: c.env.API_KEY ?? null, other: c.env.OTHER ?? null, db: typeof c.env.DB?.prepare }));
app.get("/api/print", (c) => {
	console.log("the key is", c.env.API_KEY);
	console.info({ nested: { key: c.env.API_KEY } });
	console.warn("careful");
	return c.json({ printed: true });
});
app.get("/api/fail", (c) => { throw new Error("failed with " + c.env.API_KEY); });
app.get("/api/chatty", (c) => {
	for (let i = 0; i < 500; i++) console.log("line " + i + " " + "x".repeat(100));
	return c.text("ok");
});
app.get("/api/tables", async (c) => c.json((await c.env.DB.prepare("SELECT name FROM sqlite_master").all()).results));
export default app;`;

/** A plain module (no Hono): its throw reaches Kiln's shim, which reports it as uncaught. */
export const THROWING_APP = `export default {
	async fetch(request, env) {
		console.log("about to throw");
		throw new TypeError("plain failure with " + env.API_KEY);
	},
};`;

export const OPERATOR = env.KILN_OPERATOR_TOKEN as string;
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function putSecret(project: string, name: string, value: unknown, token: string, init: RequestInit = {}) {
	return call(`/api/projects/${project}/secrets/${name}`, {
		method: "PUT",
		headers: { "content-type": "application/json", ...bearer(token) },
		body: JSON.stringify({ value }),
		...init,
	});
}

export async function setSecret(project: string, name: string, value: string, token: string): Promise<void> {
	const res = await putSecret(project, name, value, token);
	expect(res.status, await res.clone().text()).toBe(200);
}

export async function secretNames(project: string, token: string): Promise<SecretsJson> {
	const res = await call(`/api/projects/${project}/secrets`, { headers: bearer(token) });
	expect(res.status).toBe(200);
	return res.json();
}

/** The project's row count of secrets and its secrets revision, straight from D1: what "nothing written" compares. */
export async function secretsState(project: string): Promise<{ rows: number; revision: number | null }> {
	const [rows, rev] = await env.DB.batch([
		env.DB.prepare("SELECT count(*) AS n FROM project_secrets WHERE project_id = ?").bind(project),
		env.DB.prepare("SELECT secrets_revision AS r FROM projects WHERE id = ?").bind(project),
	]);
	return {
		rows: (rows.results[0] as { n: number }).n,
		revision: (rev.results[0] as { r: number } | undefined)?.r ?? null,
	};
}

export async function logs(project: string, token: string, query = ""): Promise<LogEntryJson[]> {
	const res = await call(`/api/projects/${project}/logs${query}`, { headers: bearer(token) });
	expect(res.status, await res.clone().text()).toBe(200);
	return ((await res.json()) as LogsJson).entries;
}

/** The log, once `ready` holds for it (the runtime's reports arrive after the answers). */
export async function logsWhen(
	project: string,
	token: string,
	ready: (entries: LogEntryJson[]) => boolean,
): Promise<LogEntryJson[]> {
	let entries: LogEntryJson[] = [];
	for (let i = 0; i < 200; i++) {
		entries = await logs(project, token);
		if (ready(entries)) return entries;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error(`the log never got there: ${JSON.stringify(entries).slice(0, 2000)}`);
}

/** Both reports of a request arrived: Kiln's (status, duration) and the runtime's (its output). */
export const complete = (e: LogEntryJson) => e.durationMs !== null && (e.logs.length > 0 || e.errors.length > 0);

export function operator(path: string, init: RequestInit & { token?: string } = {}) {
	const { token = OPERATOR, ...rest } = init;
	return call(`/api/admin${path}`, {
		...rest,
		headers: { "content-type": "application/json", ...bearer(token), ...(rest.headers ?? {}) },
	});
}

export async function disable(project: string, reason = "phishing"): Promise<void> {
	const res = await operator(`/projects/${project}/disable`, { method: "POST", body: JSON.stringify({ reason }) });
	expect(res.status, await res.clone().text()).toBe(200);
}

export async function enable(project: string): Promise<void> {
	const res = await operator(`/projects/${project}/enable`, { method: "POST" });
	expect(res.status, await res.clone().text()).toBe(200);
}

export { expectError };
