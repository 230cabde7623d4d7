import type { MiddlewareHandler } from "hono";
import { createDb, type Db } from "../../src/db/client";
import type { Project } from "../../src/db/projects";
import { countingD1, serverTiming } from "./d1-count";

export type CodegenEnv = {
	Bindings: CodegenBindings;
	Variables: {
		/** Drizzle over this request's counted D1 handle. */
		db: Db;
		/** D1 statements this request has sent so far. */
		d1Queries: () => number;
		/** The project a data-store request is for. */
		projectId: string;
		/** The project an owner's route acts on, once its edit token was checked (owner.ts). */
		owned: Project;
	};
};

/**
 * Gives each request a Drizzle handle whose D1 statements are counted, and
 * reports the count in `Server-Timing` (for a streamed answer, the statements
 * sent before streaming began).
 */
export const withDb: MiddlewareHandler<CodegenEnv> = async (c, next) => {
	const counter = countingD1(c.env.DB);
	// Built on first use: a pinned version served from the cache never needs it.
	c.set(
		"db",
		lazy(() => createDb(counter.db)),
	);
	c.set("d1Queries", counter.count);
	await next();
	try {
		c.res.headers.append("Server-Timing", serverTiming(counter.count()));
	} catch {
		// A response with immutable headers: leave it as it is.
	}
};

/** An object made only when one of its properties is first read. */
function lazy<T extends object>(make: () => T): T {
	let real: T | undefined;
	return new Proxy({} as T, {
		get(_target, prop) {
			real ??= make();
			const value = Reflect.get(real, prop, real);
			return typeof value === "function" ? value.bind(real) : value;
		},
	});
}
