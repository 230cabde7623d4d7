/**
 * Counts the statements a request sends to D1: each `first`/`all`/`run`/`raw`
 * of a prepared statement is one, a batch is as many as it holds. Responses
 * report the count in `Server-Timing: d1;desc="N queries"` (the bench reads it;
 * so can anyone looking at a response in their browser's dev tools).
 */
export interface QueryCounter {
	db: D1Database;
	count(): number;
}

export function countingD1(d1: D1Database): QueryCounter {
	let n = 0;
	const real = new WeakMap<object, D1PreparedStatement>();
	const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
		const proxy = new Proxy(stmt, {
			get(target, prop) {
				const value = Reflect.get(target, prop, target);
				if (typeof value !== "function") return value;
				if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
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
	const db = new Proxy(d1, {
		get(target, prop) {
			const value = Reflect.get(target, prop, target);
			if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
			if (prop === "batch") {
				return (statements: D1PreparedStatement[]) => {
					n += statements.length;
					return target.batch(statements.map((s) => real.get(s) ?? s));
				};
			}
			if (prop === "exec") {
				return (query: string) => {
					n++;
					return target.exec(query);
				};
			}
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { db, count: () => n };
}

export function serverTiming(queries: number): string {
	return `d1;desc="${queries} ${queries === 1 ? "query" : "queries"}"`;
}
