import type { MiddlewareHandler } from "hono";
import type { Db } from "../../src/db/client";
import type { Project } from "../../src/db/projects";
import { HttpError } from "../../src/http/errors";
import { BOOKMARK_HEADER, isBookmark } from "../../src/shared/bookmark";
import { serverTiming } from "./d1-count";
import { type Reads, RequestDb } from "./sessions";

export type CodegenEnv = {
	Bindings: CodegenBindings;
	Variables: {
		/** Drizzle over this request's D1 session (sessions.ts), counted. */
		db: Db;
		/** This request's D1 sessions: how its reads go, lookups that retry on the primary, the bookmark. */
		d1: RequestDb;
		/** D1 statements this request has sent so far. */
		d1Queries: () => number;
		/** The project a data-store request is for. */
		projectId: string;
		/** The project an owner's route acts on, once its edit token was checked (owner.ts). */
		owned: Project;
	};
};

/** Reads only: these start at the nearest copy of the database; every other method writes, and starts on the primary. */
const READING_METHODS = new Set(["GET", "HEAD"]);

/** Which D1 sessions a request opened, by how they began (`first-unconstrained`, `first-primary`, `bookmark`). */
export const SESSION_HEADER = "X-Kiln-D1-Session";

/**
 * Gives each request its D1 sessions: reads (GET, HEAD) from the nearest copy
 * of the database, anything else from the primary, unless the route says
 * otherwise (`readFrom`) before its first query. Reports the statements sent
 * in `Server-Timing` (for a streamed answer, those sent before streaming
 * began) and how the sessions began in `X-Kiln-D1-Session`.
 */
export const withDb: MiddlewareHandler<CodegenEnv> = async (c, next) => {
	const d1 = new RequestDb(c.env.DB, READING_METHODS.has(c.req.method) ? "nearest" : "primary");
	c.set("d1", d1);
	// The session opens on first use: a pinned version served from the cache never needs it.
	c.set(
		"db",
		current(() => d1.db),
	);
	c.set("d1Queries", () => d1.count());
	await next();
	try {
		c.res.headers.append("Server-Timing", serverTiming(d1.count()));
		const kinds = d1.kinds();
		if (kinds.length) c.res.headers.set(SESSION_HEADER, kinds.join(", "));
	} catch {
		// A response with immutable headers: leave it as it is.
	}
};

/** Routes whose reads go one way whatever their method (see `Reads`). */
export function readFrom(reads: Reads): MiddlewareHandler<CodegenEnv> {
	return async (c, next) => {
		c.get("d1").readFrom(reads);
		await next();
	};
}

/**
 * Kiln's API carries bookmarks (`x-d1-bookmark`) both ways: a request that
 * sends one reads from a copy at least that new (read-your-writes for the
 * SPA, which sends the newest it has seen); every answer sends the newest
 * state its sessions saw. A header that is not a bookmark is refused, `400
 * invalid_bookmark`, before anything is read or written: only a broken
 * client sends one, and ignoring it would silently drop what it asked for.
 * An empty header is no bookmark. Apps' pages and their servers' requests
 * (`/p/...`, project origins) are the apps' own: their headers are not read.
 */
export const carryBookmark: MiddlewareHandler<CodegenEnv> = async (c, next) => {
	const sent = c.req.header(BOOKMARK_HEADER)?.trim();
	if (sent) {
		if (!isBookmark(sent)) {
			throw new HttpError(
				400,
				"invalid_bookmark",
				`${BOOKMARK_HEADER} must be a bookmark this API returned (like 00000085-0000024c-00004c6d-8e61...), or be left out.`,
			);
		}
		c.get("d1").readAfter(sent);
	}
	await next();
	const newest = c.get("d1").bookmark();
	try {
		if (newest) c.res.headers.set(BOOKMARK_HEADER, newest);
	} catch {
		// Immutable headers: leave them.
	}
};

/** A stand-in that forwards each use to `get()`'s object of the moment (the request's session, once it is open). */
function current<T extends object>(get: () => T): T {
	return new Proxy({} as T, {
		get(_target, prop) {
			const real = get();
			const value = Reflect.get(real, prop, real);
			return typeof value === "function" ? value.bind(real) : value;
		},
	});
}
