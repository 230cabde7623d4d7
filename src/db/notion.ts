/**
 * Queries of the notion Worker: the event log (idempotency, attempts, replay),
 * per-block state (`lastRun`) and its append claims, the favicon cache and the pending verification token. Each takes a Drizzle
 * handle from `createDb`, never `Env`.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import {
	faviconCache,
	notionBlockClaims,
	notionBlockState,
	notionEvents,
	notionPendingVerification,
	notionRequests,
} from "./schema";

export type NotionEvent = typeof notionEvents.$inferSelect;
export type BlockState = typeof notionBlockState.$inferSelect;
export type BlockClaim = typeof notionBlockClaims.$inferSelect;
export type NotionRequest = typeof notionRequests.$inferSelect;
export type FaviconEntry = typeof faviconCache.$inferSelect;

export type EventSource = "automation" | "integration";
export type EventStatus = "pending" | "running" | "done" | "failed" | "ignored";

// ------------------------------------------------------------------ events

export interface NewEvent {
	id: string;
	source: EventSource;
	route: string;
	payload: string;
}

/**
 * Records an event unless one with the same id exists (one statement, so two
 * concurrent deliveries of the same event cannot both win).
 * @returns true when this call recorded it, false for a duplicate.
 */
export async function recordEvent(db: Db, event: NewEvent): Promise<boolean> {
	const rows = await db
		.insert(notionEvents)
		.values({ ...event, status: "pending", attempts: 0 })
		.onConflictDoNothing({ target: notionEvents.id })
		.returning({ id: notionEvents.id });
	return rows.length === 1;
}

export async function getEvent(db: Db, id: string): Promise<NotionEvent | null> {
	return (await db.select().from(notionEvents).where(eq(notionEvents.id, id)).get()) ?? null;
}

/**
 * Takes an event for a run: pending or failed → running, attempts + 1. Returns
 * null when the event is unknown, already done or ignored, or running
 * elsewhere, so a queue message delivered twice runs the work once.
 */
export async function claimEvent(db: Db, id: string): Promise<NotionEvent | null> {
	const row = await db
		.update(notionEvents)
		.set({
			status: "running",
			attempts: sql`${notionEvents.attempts} + 1`,
			updatedAt: sql`(unixepoch('subsec') * 1000)`,
		})
		.where(and(eq(notionEvents.id, id), inArray(notionEvents.status, ["pending", "failed"])))
		.returning()
		.get();
	return row ?? null;
}

/** Ends a run: done, ignored (with the reason) or failed (with the error). */
export async function finishEvent(
	db: Db,
	id: string,
	status: "done" | "failed" | "ignored",
	note: string | null = null,
): Promise<void> {
	await db
		.update(notionEvents)
		.set({ status, lastError: note, updatedAt: sql`(unixepoch('subsec') * 1000)` })
		.where(eq(notionEvents.id, id));
}

/**
 * Marks an event for another run on purpose (the event log's replay), unless
 * it is running now (a second run beside it could write twice). Attempts keep
 * counting. Returns false for an unknown or running event.
 */
export async function requeueEvent(db: Db, id: string): Promise<boolean> {
	const rows = await db
		.update(notionEvents)
		.set({ status: "pending", updatedAt: sql`(unixepoch('subsec') * 1000)` })
		.where(and(eq(notionEvents.id, id), ne(notionEvents.status, "running")))
		.returning({ id: notionEvents.id });
	return rows.length === 1;
}

export interface EventListOptions {
	limit: number;
	status?: EventStatus;
	/** The route exactly as stored, options included. */
	route?: string;
	/** The route's path, whatever its options: "/example/database/pages" matches "…?property=Website". */
	path?: string;
	/** Only events updated at or after this time (ms), oldest change first: the console's live table. */
	since?: number;
}

/** The most recent events first; with `since`, what changed since then, in the order it changed. */
export async function listEvents(db: Db, opts: EventListOptions): Promise<NotionEvent[]> {
	const where = and(
		opts.status ? eq(notionEvents.status, opts.status) : undefined,
		opts.route ? eq(notionEvents.route, opts.route) : undefined,
		opts.path
			? or(
					eq(notionEvents.route, opts.path),
					sql`substr(${notionEvents.route}, 1, ${opts.path.length + 1}) = ${`${opts.path}?`}`,
				)
			: undefined,
		opts.since !== undefined ? gte(notionEvents.updatedAt, opts.since) : undefined,
	);
	const order =
		opts.since !== undefined
			? [asc(notionEvents.updatedAt), asc(notionEvents.id)]
			: [desc(notionEvents.createdAt), desc(notionEvents.id)];
	return db
		.select()
		.from(notionEvents)
		.where(where)
		.orderBy(...order)
		.limit(opts.limit)
		.all();
}

/** The latest change in the log (ms), or 0: where a live view starts asking "what changed since". */
export async function lastEventChange(db: Db): Promise<number> {
	const row = await db
		.select({ at: sql<number | null>`max(${notionEvents.updatedAt})` })
		.from(notionEvents)
		.get();
	return row?.at ?? 0;
}

/** The route's path of a stored route (its options cut off), in SQL. */
const routePath = sql<string>`CASE WHEN instr(${notionEvents.route}, '?') > 0 THEN substr(${notionEvents.route}, 1, instr(${notionEvents.route}, '?') - 1) ELSE ${notionEvents.route} END`;

/** How many events each route path received since `since` (ms), by status. */
export async function countEventsByRoute(
	db: Db,
	since: number,
): Promise<{ path: string; status: string; count: number }[]> {
	return db
		.select({ path: routePath, status: notionEvents.status, count: sql<number>`count(*)` })
		.from(notionEvents)
		.where(gte(notionEvents.createdAt, since))
		.groupBy(routePath, notionEvents.status)
		.all();
}

/**
 * The log's retention: deletes up to `limit` events that are over (done,
 * failed, ignored) and were last touched before `before`. Pending and running
 * events are never deleted, however old: they still have work to do. One
 * statement, so an event claimed meanwhile (running now) is not deleted.
 * @returns how many were deleted.
 */
export async function deleteExpiredEvents(db: Db, before: number, limit = 500): Promise<number> {
	const expired = db
		.select({ id: notionEvents.id })
		.from(notionEvents)
		.where(and(inArray(notionEvents.status, ["done", "failed", "ignored"]), lt(notionEvents.updatedAt, before)))
		.limit(limit);
	const rows = await db
		.delete(notionEvents)
		.where(
			and(
				inArray(notionEvents.id, expired),
				inArray(notionEvents.status, ["done", "failed", "ignored"]),
				lt(notionEvents.updatedAt, before),
			),
		)
		.returning({ id: notionEvents.id });
	return rows.length;
}

/**
 * Events that should be running but are not: pending for longer than
 * `pendingMs` (their queue message was lost) or running for longer than
 * `runningMs` (the consumer died mid-run). They are set back to pending.
 */
export async function reclaimStuckEvents(
	db: Db,
	now: number,
	pendingMs: number,
	runningMs: number,
	limit = 100,
): Promise<string[]> {
	const stuckNow = or(
		and(eq(notionEvents.status, "pending"), lt(notionEvents.updatedAt, now - pendingMs)),
		and(eq(notionEvents.status, "running"), lt(notionEvents.updatedAt, now - runningMs)),
	);
	const stuck = await db.select({ id: notionEvents.id }).from(notionEvents).where(stuckNow).limit(limit).all();
	if (!stuck.length) return [];
	// The condition again, in the one statement that resets: an event claimed since the SELECT
	// (running, just updated) is no longer stuck and must not be set back for a second run.
	// A run that never finished may have written before it died: its last_error says so, and the
	// next run finds the append claim it left and looks for what it wrote (workers/notion/blocks.ts).
	const reset = await db
		.update(notionEvents)
		.set({
			status: "pending",
			lastError: sql`CASE WHEN ${notionEvents.status} = 'running' THEN 'The run did not finish (reclaimed by the sweep).' ELSE ${notionEvents.lastError} END`,
			updatedAt: sql`(unixepoch('subsec') * 1000)`,
		})
		.where(
			and(
				inArray(
					notionEvents.id,
					stuck.map((r) => r.id),
				),
				stuckNow,
			),
		)
		.returning({ id: notionEvents.id });
	return reset.map((r) => r.id);
}

// --------------------------------------------------------- notion requests

export type NewRequest = Omit<NotionRequest, "id" | "eventId" | "attempt">;

/** Rows per INSERT: D1 binds at most 100 parameters a statement, and a row takes 8. */
const REQUEST_ROWS_PER_INSERT = 12;

/** Records the Notion requests one attempt of an event made (in one batch). */
export async function recordRequests(db: Db, eventId: string, attempt: number, rows: NewRequest[]): Promise<void> {
	if (!rows.length) return;
	const values = rows.map((r) => ({ ...r, eventId, attempt }));
	const inserts = [];
	for (let i = 0; i < values.length; i += REQUEST_ROWS_PER_INSERT) {
		inserts.push(db.insert(notionRequests).values(values.slice(i, i + REQUEST_ROWS_PER_INSERT)));
	}
	await db.batch(inserts as [(typeof inserts)[number], ...(typeof inserts)[number][]]);
}

/** An event's Notion requests, in the order they were made. */
export async function listRequests(db: Db, eventId: string): Promise<NotionRequest[]> {
	return db.select().from(notionRequests).where(eq(notionRequests.eventId, eventId)).orderBy(notionRequests.id).all();
}

/**
 * Deletes up to `limit` requests whose event is gone: they follow their event
 * out of the log (the retention in deleteExpiredEvents).
 * @returns how many were deleted.
 */
export async function deleteOrphanRequests(db: Db, limit = 5000): Promise<number> {
	const orphans = db
		.select({ id: notionRequests.id })
		.from(notionRequests)
		.leftJoin(notionEvents, eq(notionEvents.id, notionRequests.eventId))
		.where(isNull(notionEvents.id))
		.limit(limit);
	const rows = await db
		.delete(notionRequests)
		.where(inArray(notionRequests.id, orphans))
		.returning({ id: notionRequests.id });
	return rows.length;
}

// ------------------------------------------------------------- block state

export async function getBlockState(db: Db, route: string, parentId: string): Promise<BlockState | null> {
	return (
		(await db
			.select()
			.from(notionBlockState)
			.where(and(eq(notionBlockState.route, route), eq(notionBlockState.parentId, parentId)))
			.get()) ?? null
	);
}

/** Remembers the block a route wrote for a parent, and a hash of what it wrote. */
export async function putBlockState(
	db: Db,
	state: { route: string; parentId: string; blockId: string; contentHash: string | null },
): Promise<void> {
	await db
		.insert(notionBlockState)
		.values(state)
		.onConflictDoUpdate({
			target: [notionBlockState.route, notionBlockState.parentId],
			set: {
				blockId: state.blockId,
				contentHash: state.contentHash,
				updatedAt: sql`(unixepoch('subsec') * 1000)`,
			},
		});
}

/** A page of block state for the sweep, oldest-checked first. */
export async function listBlockStates(db: Db, limit: number): Promise<BlockState[]> {
	return db.select().from(notionBlockState).orderBy(notionBlockState.updatedAt).limit(limit).all();
}

/** Marks a state as checked now, so the next sweep starts with others. */
export async function touchBlockState(db: Db, route: string, parentId: string): Promise<void> {
	await db
		.update(notionBlockState)
		.set({ updatedAt: sql`(unixepoch('subsec') * 1000)` })
		.where(and(eq(notionBlockState.route, route), eq(notionBlockState.parentId, parentId)));
}

/**
 * Forgets the state for a block found gone, only if it still names that block:
 * a run may have written a new block (and its state) since the sweep looked.
 */
export async function deleteBlockState(db: Db, route: string, parentId: string, blockId: string): Promise<void> {
	await db
		.delete(notionBlockState)
		.where(
			and(
				eq(notionBlockState.route, route),
				eq(notionBlockState.parentId, parentId),
				eq(notionBlockState.blockId, blockId),
			),
		);
}

/** Drops every state that names this Notion object as its parent or its block. */
export async function deleteBlockStatesFor(db: Db, notionId: string): Promise<number> {
	const rows = await db
		.delete(notionBlockState)
		.where(or(eq(notionBlockState.parentId, notionId), eq(notionBlockState.blockId, notionId)))
		.returning({ route: notionBlockState.route });
	return rows.length;
}

// ------------------------------------------------------------ block claims

export type NewClaim = Omit<BlockClaim, "blockId" | "createdAt">;

/**
 * Claims (route, parent) for an append unless someone holds it (one
 * statement: of two racing runs, one wins).
 * @returns the claim when this call took it, null when another holds it.
 */
export async function claimBlock(db: Db, claim: NewClaim): Promise<BlockClaim | null> {
	const row = await db
		.insert(notionBlockClaims)
		.values(claim)
		.onConflictDoNothing({ target: [notionBlockClaims.route, notionBlockClaims.parentId] })
		.returning()
		.get();
	return row ?? null;
}

export async function getBlockClaim(db: Db, route: string, parentId: string): Promise<BlockClaim | null> {
	return (
		(await db
			.select()
			.from(notionBlockClaims)
			.where(and(eq(notionBlockClaims.route, route), eq(notionBlockClaims.parentId, parentId)))
			.get()) ?? null
	);
}

const sameClaim = (c: Pick<BlockClaim, "route" | "parentId" | "claimId">) =>
	and(
		eq(notionBlockClaims.route, c.route),
		eq(notionBlockClaims.parentId, c.parentId),
		eq(notionBlockClaims.claimId, c.claimId),
	);

/**
 * Takes over a claim whose append is in doubt, only if it is still the claim
 * that was read (of two runs taking it over, one wins).
 */
export async function takeOverClaim(
	db: Db,
	old: BlockClaim,
	next: Pick<BlockClaim, "claimId" | "eventId" | "contentHash" | "expiresAt">,
): Promise<BlockClaim | null> {
	const row = await db
		.update(notionBlockClaims)
		.set({ ...next, blockId: null, createdAt: sql`(unixepoch('subsec') * 1000)` })
		.where(sameClaim(old))
		.returning()
		.get();
	return row ?? null;
}

/**
 * The holder's append is over but its outcome is not recorded (an answer
 * lost, or the state not written): the claim is in doubt from now on, and
 * names the block when Notion's answer did arrive.
 */
export async function settleClaim(
	db: Db,
	claim: BlockClaim,
	now: number,
	blockId: string | null = null,
): Promise<void> {
	await db.update(notionBlockClaims).set({ expiresAt: now, blockId }).where(sameClaim(claim));
}

/** Drops the claim, if it is still this one. */
export async function releaseClaim(db: Db, claim: BlockClaim): Promise<void> {
	await db.delete(notionBlockClaims).where(sameClaim(claim));
}

/** Claims in doubt since before `before` (their holders gave up long ago): the sweep's retention. */
export async function deleteExpiredClaims(db: Db, before: number): Promise<number> {
	const rows = await db
		.delete(notionBlockClaims)
		.where(lt(notionBlockClaims.expiresAt, before))
		.returning({ route: notionBlockClaims.route });
	return rows.length;
}

// ----------------------------------------------------------- favicon cache

export async function getFavicon(db: Db, origin: string): Promise<FaviconEntry | null> {
	return (await db.select().from(faviconCache).where(eq(faviconCache.origin, origin)).get()) ?? null;
}

export async function putFavicon(db: Db, entry: FaviconEntry): Promise<void> {
	await db
		.insert(faviconCache)
		.values(entry)
		.onConflictDoUpdate({
			target: faviconCache.origin,
			set: { iconUrl: entry.iconUrl, title: entry.title, fetchedAt: entry.fetchedAt },
		});
}

// ----------------------------------------------- pending verification token

export type PendingVerification = typeof notionPendingVerification.$inferSelect;

/**
 * Keeps `token` as the pending verification token unless one is pending
 * already (one statement: of two racing handshakes, one wins).
 * @returns whether this call kept it, and the token that is pending now.
 */
export async function keepPendingVerification(
	db: Db,
	token: string,
): Promise<{ kept: boolean; pending: PendingVerification | null }> {
	const inserted = await db
		.insert(notionPendingVerification)
		.values({ slot: 1, token })
		.onConflictDoNothing({ target: notionPendingVerification.slot })
		.returning()
		.get();
	if (inserted) return { kept: true, pending: inserted };
	return { kept: false, pending: await getPendingVerification(db) };
}

export async function getPendingVerification(db: Db): Promise<PendingVerification | null> {
	return (await db.select().from(notionPendingVerification).get()) ?? null;
}

/** Forgets the pending token (the operator's call). @returns whether there was one. */
export async function discardPendingVerification(db: Db): Promise<boolean> {
	const rows = await db.delete(notionPendingVerification).returning({ slot: notionPendingVerification.slot });
	return rows.length > 0;
}
