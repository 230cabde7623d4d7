/**
 * Receiving a webhook: verify, record (deduplicated by event id), queue, and
 * answer at once. Nothing is recorded and Notion is never called for a request
 * that fails a check; an event that is recorded is always answered 2xx.
 */
import type { Context } from "hono";
import { createDb } from "../../src/db/client";
import { getEvent, type NewEvent, recordEvent } from "../../src/db/notion";
import { parseJsonBytes, readBody } from "../../src/http/body";
import { describeIssues, HttpError } from "../../src/http/errors";
import { sha256Hex } from "../../src/shared/hash";
import type { Automation } from "./automations/contract";
import type { NotionEnv } from "./context";
import { automationPayload } from "./payloads";
import { enqueue } from "./queue";
import { requireSecret } from "./secret";
import { settings } from "./settings";

/** Records the event; a new one is queued (202), a known one is not (200). */
export async function recordAndQueue(c: Context<NotionEnv>, event: NewEvent): Promise<Response> {
	const db = createDb(c.env.DB);
	if (!(await recordEvent(db, event))) {
		// Already recorded: whatever happens now, the answer is a 2xx.
		const existing = await getEvent(db, event.id).catch(() => null);
		return c.json({ ok: true, event: event.id, duplicate: true, status: existing?.status ?? "unknown" }, 200);
	}
	// Queued after the answer: the event is safe in D1 already, and if the send
	// is lost the cron sweep queues pending events again.
	c.executionCtx.waitUntil(enqueue(c.env, [event.id]));
	return c.json({ ok: true, event: event.id, status: "queued" }, 202);
}

/** The route with its options, as stored: "/example/database/pages?property=Website". */
export function routeWithOptions(path: string, options: Record<string, string>): string {
	const q = new URLSearchParams(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1))).toString();
	return q ? `${path}?${q}` : path;
}

/** Splits a stored route back into its path and options. */
export function parseRoute(route: string): { path: string; options: Record<string, string> } {
	const [path, query = ""] = route.split("?", 2);
	return { path, options: Object.fromEntries(new URLSearchParams(query)) };
}

function readOptions(c: Context, a: Automation): Record<string, string> {
	return checkOptions(
		a,
		Object.entries(c.req.queries()).map(([k, v]) => [k, v[v.length - 1] ?? ""]),
	);
}

/** The route's options from name/value pairs: an unknown or overlong one is a 400; empty ones are dropped. */
export function checkOptions(a: Automation, entries: [string, string][]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, value] of entries) {
		if (!(k in a.options)) {
			const known = Object.keys(a.options);
			throw new HttpError(
				400,
				"invalid_option",
				`Unknown option "${k.slice(0, 100)}" for ${a.path}${known.length ? ` (known: ${known.join(", ")})` : " (it takes none)"}.`,
			);
		}
		if (value.length > 200) throw new HttpError(400, "invalid_option", `Option "${k}" is too long.`);
		if (value) out[k] = value;
	}
	return out;
}

/** An automation's webhook: check the secret, the payload and the options, then record and queue it. */
export async function receiveAutomation(c: Context<NotionEnv>, a: Automation): Promise<Response> {
	await requireSecret(c, settings(c.env).webhookSecret);
	const raw = await readBody(c.req.raw);
	const parsed = automationPayload.safeParse(parseJsonBytes(raw));
	if (!parsed.success) throw new HttpError(400, "invalid_payload", describeIssues(parsed.error.issues));
	const options = readOptions(c, a);
	const problem = a.check?.(parsed.data as never, options);
	if (problem) throw new HttpError(400, "invalid_payload", problem);

	const text = new TextDecoder().decode(raw);
	const route = routeWithOptions(a.path, options);
	// Notion's own event id when it sends one (its retries repeat it), else the body.
	const key = parsed.data.source?.event_id ?? (await sha256Hex(text));
	// The route with its options: two webhook actions of one automation may call
	// the same path with different options, under the same Notion event id.
	return recordAndQueue(c, { id: `${route}:${key}`, source: "automation", route, payload: text });
}
