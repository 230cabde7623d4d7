import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/**
 * A Drizzle handle on Kiln's D1 database. Query functions take this, never `Env`.
 * `$client` is what it runs on, a D1 binding or session: plain `prepare` and `batch`.
 */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Queries };

/** Wraps a D1 binding in Drizzle with Kiln's schema. Every query goes to the primary. */
export function createDb(d1: D1Database): Db {
	return drizzle(d1, { schema });
}

/** What a D1 session offers for queries: all that drizzle-orm/d1 calls. */
export type D1Queries = Pick<D1DatabaseSession, "prepare" | "batch">;

/**
 * Where a session's first query may go: to the nearest copy of the database,
 * replica or primary (`first-unconstrained`); to the primary
 * (`first-primary`); or to any copy at least as new as a bookmark that an
 * earlier session returned. Later queries of the session see everything the
 * earlier ones saw (sequential consistency).
 */
export type SessionStart = "first-unconstrained" | "first-primary" | { bookmark: string };

export interface DbSession {
	/** Drizzle over the session: every query of this handle is one of the session's. */
	db: Db;
	/** How the session was started, as D1 was asked. */
	start: SessionStart;
	/** The newest database state the session has seen (null before its first query). */
	bookmark(): string | null;
}

/**
 * Opens a D1 session (`withSession`) with Drizzle over it: the one place Kiln
 * does. `wrap` sees the session's queries first (the codegen Worker counts
 * them).
 *
 * Drizzle 0.45's D1 driver is typed for `D1Database`, but it calls only
 * `prepare` and `batch` on it (drizzle-orm/d1/session.js), which a session
 * has; a session has no `exec`, `dump` or `withSession`, which Drizzle's
 * queries never use. Hence the one cast below, checked by test/db/sessions.test.ts
 * (selects, inserts, raw SQL and batches through a session).
 */
export function openSession(
	d1: D1Database,
	start: SessionStart,
	wrap: (queries: D1Queries) => D1Queries = (q) => q,
): DbSession {
	const session = d1.withSession(typeof start === "string" ? start : start.bookmark);
	return {
		db: drizzle(wrap(session) as D1Database, { schema }),
		start,
		bookmark: () => session.getBookmark(),
	};
}
