/**
 * The event log, for the operator only (KILN_OPERATOR_TOKEN; never the webhook
 * secret, which every Notion automation that calls Kiln holds):
 * - GET  /events?limit=50&status=failed&route=/webhooks — recent events, newest first
 *   (`path=` matches a route whatever its options); the answer's `cursor`, passed
 *   back as `since=`, lists what changed after it, oldest change first (the
 *   console's live table);
 * - GET  /events/:id — one event with its payload and the Notion requests of its runs;
 * - POST /events/:id/replay — run it again on purpose (whatever its status).
 */
import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "../../../src/db/client";
import {
	getEvent,
	lastEventChange,
	listEvents,
	listRequests,
	type NotionEvent,
	requeueEvent,
} from "../../../src/db/notion";
import { requireOperator } from "../../../src/http/auth";
import { describeIssues, HttpError } from "../../../src/http/errors";
import type { EventDetailJson, EventListJson, EventStatus, EventSummaryJson } from "../../../src/shared/notion-console";
import type { NotionEnv } from "../context";
import { enqueue } from "../queue";
import { settings } from "../settings";

const listQuery = z.strictObject({
	limit: z.coerce.number().int().min(1).max(200).default(50),
	status: z.enum(["pending", "running", "done", "failed", "ignored"]).optional(),
	route: z.string().max(300).optional(),
	path: z.string().max(300).optional(),
	/** A cursor from an earlier answer (ms; D1's clock, with fractions). */
	since: z.coerce.number().min(0).optional(),
});

/** What the log shows of an event; the type is read from the payload. */
function summary(e: NotionEvent): EventSummaryJson {
	let type: string | null = null;
	try {
		const body = JSON.parse(e.payload) as { type?: unknown };
		type = typeof body.type === "string" ? body.type : null;
	} catch {}
	return {
		id: e.id,
		source: e.source as EventSummaryJson["source"],
		route: e.route,
		type,
		status: e.status as EventStatus,
		attempts: e.attempts,
		lastError: e.lastError,
		createdAt: new Date(e.createdAt).toISOString(),
		updatedAt: new Date(e.updatedAt).toISOString(),
	};
}

async function found(db: ReturnType<typeof createDb>, id: string): Promise<NotionEvent> {
	const e = await getEvent(db, id);
	if (!e) throw new HttpError(404, "event_not_found", `No event "${id.slice(0, 200)}".`);
	return e;
}

export const events = new Hono<NotionEnv>()
	// "/events/*" matches "/events" too: one middleware, one check of the secret per request.
	.use("/events/*", async (c, next) => {
		await requireOperator(c.req.raw, settings(c.env).operatorToken);
		await next();
	})
	.get("/events", async (c) => {
		const q = listQuery.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
		if (!q.success) throw new HttpError(400, "invalid_query", describeIssues(q.error.issues));
		const db = createDb(c.env.DB);
		const { since, limit } = q.data;
		// Read before the list: whatever changes after it is at or after the cursor.
		const latest = since === undefined ? await lastEventChange(db) : 0;
		const rows = await listEvents(db, q.data);
		const body: EventListJson = {
			events: rows.map(summary),
			cursor: since === undefined ? latest : (rows.at(-1)?.updatedAt ?? since),
			more: since !== undefined && rows.length === limit,
		};
		c.header("Cache-Control", "no-store");
		return c.json(body);
	})
	.get("/events/:id", async (c) => {
		const db = createDb(c.env.DB);
		const e = await found(db, c.req.param("id"));
		const requests = (await listRequests(db, e.id)).map((r) => ({
			attempt: r.attempt,
			method: r.method,
			path: r.path,
			status: r.status,
			error: r.error,
			durationMs: r.durationMs,
			sentAt: new Date(r.sentAt).toISOString(),
		}));
		c.header("Cache-Control", "no-store");
		return c.json({
			event: { ...summary(e), payload: JSON.parse(e.payload) as unknown, requests },
		} satisfies EventDetailJson);
	})
	.post("/events/:id/replay", async (c) => {
		const db = createDb(c.env.DB);
		const id = c.req.param("id");
		await found(db, id);
		if (!(await requeueEvent(db, id))) {
			throw new HttpError(409, "event_running", `Event "${id}" is running now; replay it once it has finished.`);
		}
		await enqueue(c.env, [id]);
		return c.json({ ok: true, event: id, status: "queued" }, 202);
	});
