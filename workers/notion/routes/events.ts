/**
 * The event log, for the operator only (KILN_OPERATOR_TOKEN; never the webhook
 * secret, which every Notion automation that calls Kiln holds):
 * - GET  /events?limit=50&status=failed&route=/webhooks — recent events, newest first;
 * - GET  /events/:id — one event with its payload;
 * - POST /events/:id/replay — run it again on purpose (whatever its status).
 */
import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "../../../src/db/client";
import { getEvent, listEvents, type NotionEvent, requeueEvent } from "../../../src/db/notion";
import { requireOperator } from "../../../src/http/auth";
import { describeIssues, HttpError } from "../../../src/http/errors";
import type { NotionEnv } from "../context";
import { enqueue } from "../queue";
import { settings } from "../settings";

const listQuery = z.strictObject({
	limit: z.coerce.number().int().min(1).max(200).default(50),
	status: z.enum(["pending", "running", "done", "failed", "ignored"]).optional(),
	route: z.string().max(300).optional(),
});

/** What the log shows of an event; the type is read from the payload. */
function summary(e: NotionEvent) {
	let type: string | null = null;
	try {
		const body = JSON.parse(e.payload) as { type?: unknown };
		type = typeof body.type === "string" ? body.type : null;
	} catch {}
	return {
		id: e.id,
		source: e.source,
		route: e.route,
		type,
		status: e.status,
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
		const rows = await listEvents(createDb(c.env.DB), q.data);
		return c.json({ events: rows.map(summary) });
	})
	.get("/events/:id", async (c) => {
		const e = await found(createDb(c.env.DB), c.req.param("id"));
		return c.json({ event: { ...summary(e), payload: JSON.parse(e.payload) as unknown } });
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
