import { type Db, type DbSession, openSession, type SessionStart } from "../../src/db/client";
import { newerBookmark } from "../../src/shared/bookmark";
import { queryCounter } from "./d1-count";

/**
 * Where a request's reads go: to the nearest copy of the database (a read
 * replica near the visitor, once read replication is on), or to the primary,
 * for requests whose reads must see every write (a write's own reads: the
 * version an edit starts from; the document store).
 */
export type Reads = "nearest" | "primary";

/** How a session began, as the `X-Kiln-D1-Session` header reports it (never the bookmark itself). */
export type SessionKind = "first-unconstrained" | "first-primary" | "bookmark";

/**
 * One request's D1 sessions (see "Reads and replicas" in the README). Opened
 * on first use, so a request that needs no D1 (a cached pinned version) opens
 * none, and its routes may still choose how its reads go until then. Its
 * queries are counted across all its sessions.
 */
export class RequestDb {
	readonly #d1: D1Database;
	readonly #counter = queryCounter();
	readonly #opened: DbSession[] = [];
	#reads: Reads;
	#after: string | null = null;
	#current: DbSession | null = null;

	constructor(d1: D1Database, reads: Reads) {
		this.#d1 = d1;
		this.#reads = reads;
	}

	/** How this request's reads go; only before its first query. */
	readFrom(reads: Reads): void {
		if (this.#current) throw new Error("RequestDb.readFrom: the session is already open");
		this.#reads = reads;
	}

	/**
	 * The client's bookmark: the request's reads start at a copy at least that
	 * new. A request that reads from the primary has no use for it.
	 */
	readAfter(bookmark: string): void {
		if (this.#current) throw new Error("RequestDb.readAfter: the session is already open");
		this.#after = bookmark;
	}

	/** Drizzle over the request's session (the primary's, once a read had to go there). */
	get db(): Db {
		this.#current ??= this.#open(this.#start());
		return this.#current.db;
	}

	/**
	 * Runs a lookup; when it finds nothing and the session did not start on the
	 * primary, runs it once more on the primary. A replica that has not caught
	 * up must not answer 404 for a project or version that exists: a pinned
	 * version never changes, so once it is found anywhere it is right. The rest
	 * of the request then stays on the primary.
	 */
	async find<T>(lookup: (db: Db) => Promise<T | null>): Promise<T | null> {
		const found = await lookup(this.db);
		if (found !== null || this.#current?.start === "first-primary") return found;
		this.#current = this.#open("first-primary");
		return lookup(this.#current.db);
	}

	/** The newest database state this request's sessions saw, or null if it opened none. */
	bookmark(): string | null {
		return this.#opened.reduce<string | null>((newest, s) => newerBookmark(newest, s.bookmark()), null);
	}

	/** How each session this request opened began, in order. */
	kinds(): SessionKind[] {
		return this.#opened.map((s) => (typeof s.start === "string" ? s.start : "bookmark"));
	}

	/** D1 statements sent so far, over all sessions. */
	count(): number {
		return this.#counter.count();
	}

	#start(): SessionStart {
		if (this.#reads === "primary") return "first-primary";
		return this.#after ? { bookmark: this.#after } : "first-unconstrained";
	}

	#open(start: SessionStart): DbSession {
		const session = openSession(this.#d1, start, this.#counter.wrap);
		this.#opened.push(session);
		return session;
	}
}
