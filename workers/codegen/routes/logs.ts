import { Hono } from "hono";
import type { Db } from "../../../src/db/client";
import { listSealedSecrets } from "../../../src/db/secrets";
import { HttpError } from "../../../src/http/errors";
import { LOG_MAX_ENTRIES, type LogEntryJson, type LogsJson } from "../../../src/shared/secrets";
import type { CodegenEnv } from "../context";
import { appLogs } from "../logs/object";
import { ownerOnly } from "../owner";
import { decryptSecret, secretsKey } from "../secrets/crypto";
import { secretRedactor } from "../secrets/redact";

const OWNER_ONLY = "A project's server log is its owner's: send Authorization: Bearer <editToken>.";
const DEFAULT_LIMIT = 50;

/**
 * The owner's view of the app server's recent requests, at
 * /api/projects/:project/logs?limit=n (1..LOG_MAX_ENTRIES, default 50):
 * newest first, each with what the app printed and the errors it did not
 * catch. Secret values were cut out when the entry was stored; today's
 * values are cut out again here, from every field (a client may have put one
 * in a path).
 */
export const logsRoutes = new Hono<CodegenEnv>().use(ownerOnly(OWNER_ONLY)).get("/", async (c) => {
	const limit = parseLimit(c.req.query("limit"));
	const project = c.get("owned");
	const entries = await appLogs(c.env.APP_LOGS, project.id).list(limit);
	const cut = await currentRedactor(c.env.KILN_SECRETS_KEY, c.get("db"), project.id, project.secretsRevision);
	const body: LogsJson = { entries: entries.map((e) => redactEntry(e, cut)) };
	c.header("Cache-Control", "no-store");
	return c.json(body);
});

function parseLimit(raw: string | undefined): number {
	if (raw === undefined) return DEFAULT_LIMIT;
	const n = Number(raw);
	if (!/^\d+$/.test(raw) || n < 1 || n > LOG_MAX_ENTRIES) {
		throw new HttpError(400, "invalid_limit", `limit is a whole number from 1 to ${LOG_MAX_ENTRIES}.`);
	}
	return n;
}

async function currentRedactor(
	setting: string | undefined,
	db: Db,
	project: string,
	revision: number,
): Promise<(text: string) => string> {
	const state = await secretsKey(setting);
	if (revision === 0 || !state.ok) return (text) => text;
	const values: string[] = [];
	for (const { name, value } of await listSealedSecrets(db, project)) {
		const plain = await decryptSecret(state.key, project, name, value);
		if (plain !== null) values.push(plain);
	}
	return secretRedactor(values);
}

function redactEntry(e: LogEntryJson, cut: (text: string) => string): LogEntryJson {
	return {
		...e,
		path: cut(e.path),
		logs: e.logs.map((l) => ({ ...l, message: cut(l.message) })),
		errors: e.errors.map((x) => ({
			name: cut(x.name),
			message: cut(x.message),
			stack: x.stack === null ? null : cut(x.stack),
		})),
	};
}
