import type { D1Queries } from "../../src/db/client";

/**
 * Counts the statements a request sends to D1, over all its sessions: each
 * `first`/`all`/`run`/`raw` of a prepared statement is one, a batch is as many
 * as it holds. Responses report the count in `Server-Timing: d1;desc="N queries"`
 * (the bench reads it; so can anyone looking at a response in their browser's
 * dev tools).
 */
export interface QueryCounter {
	/** The same queries, counted. */
	wrap(d1: D1Queries): D1Queries;
	count(): number;
}

export function queryCounter(): QueryCounter {
	let n = 0;
	const real = new WeakMap<object, D1PreparedStatement>();
	const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement => {
		const proxy = new Proxy(stmt, {
			get(target, prop) {
				const value = Reflect.get(target, prop, target);
				if (typeof value !== "function") return value;
				if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args));
				if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
					return (...args: unknown[]) => {
						n++;
						return (value as (...a: unknown[]) => unknown).apply(target, args);
					};
				}
				return value.bind(target);
			},
		});
		real.set(proxy, stmt);
		return proxy;
	};
	return {
		wrap: (d1) => ({
			prepare: (query) => wrapStatement(d1.prepare(query)),
			batch: <T>(statements: D1PreparedStatement[]) => {
				n += statements.length;
				return d1.batch<T>(statements.map((s) => real.get(s) ?? s));
			},
		}),
		count: () => n,
	};
}

export function serverTiming(queries: number): string {
	return `d1;desc="${queries} ${queries === 1 ? "query" : "queries"}"`;
}
