/**
 * The part of vitest's API that database tests use, for running an old
 * release's tests inside workerd without vitest (bundled by the gate in place
 * of "vitest"). Tests register here when their module is evaluated; `run`
 * executes them in order and reports each one.
 */

type Fn = () => unknown | Promise<unknown>;
interface TestCase {
	id: string;
	fn: Fn;
	skip: boolean;
	hooks: Suite[];
}
interface Suite {
	beforeEach: Fn[];
	afterEach: Fn[];
	beforeAll: Fn[];
	afterAll: Fn[];
}

const tests: TestCase[] = [];
const names: string[] = [];
const suites: Suite[] = [{ beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] }];
let file = "";

export function setFile(name: string) {
	file = name;
	// Hooks do not leak from one file to the next.
	suites.splice(0, suites.length, { beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] });
}

function register(name: string, fn: Fn | undefined, skip: boolean) {
	tests.push({ id: [file, ...names, name].join(" > "), fn: fn ?? (() => {}), skip: skip || !fn, hooks: [...suites] });
}

function describeImpl(name: string, fn: () => void) {
	names.push(name);
	suites.push({ beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] });
	try {
		fn();
	} finally {
		names.pop();
		suites.pop();
	}
}

export const describe = Object.assign(describeImpl, {
	skip: (name: string, _fn: () => void) => register(`${name} (suite)`, undefined, true),
	only: describeImpl,
	each: () => {
		throw new Error("describe.each is not supported by the gate's workerd runner");
	},
});
export const suite = describe;

function itImpl(name: string, fn?: Fn, _timeout?: number) {
	register(name, fn, false);
}
export const it = Object.assign(itImpl, {
	skip: (name: string, fn?: Fn) => register(name, fn, true),
	todo: (name: string) => register(name, undefined, true),
	only: itImpl,
	concurrent: itImpl,
	each:
		<T>(cases: T[]) =>
		(name: string, fn: (c: T) => unknown) => {
			for (const c of cases) register(`${name} ${JSON.stringify(c)}`, () => fn(c), false);
		},
});
export const test = it;

const top = () => suites[suites.length - 1];
export const beforeEach = (fn: Fn) => top().beforeEach.push(fn);
export const afterEach = (fn: Fn) => top().afterEach.push(fn);
export const beforeAll = (fn: Fn) => top().beforeAll.push(fn);
export const afterAll = (fn: Fn) => top().afterAll.push(fn);

export interface Result {
	id: string;
	status: "passed" | "failed" | "skipped";
	error?: string;
}

export async function run(): Promise<Result[]> {
	const out: Result[] = [];
	const ranBeforeAll = new Set<Suite>();
	for (const t of tests) {
		if (t.skip) {
			out.push({ id: t.id, status: "skipped" });
			continue;
		}
		try {
			for (const s of t.hooks) {
				if (!ranBeforeAll.has(s)) {
					ranBeforeAll.add(s);
					for (const h of s.beforeAll) await h();
				}
			}
			for (const s of t.hooks) for (const h of s.beforeEach) await h();
			try {
				await t.fn();
			} finally {
				for (const s of [...t.hooks].reverse()) for (const h of s.afterEach) await h();
			}
			out.push({ id: t.id, status: "passed" });
		} catch (e) {
			out.push({ id: t.id, status: "failed", error: e instanceof Error ? e.message : String(e) });
		}
	}
	return out;
}

// ------------------------------------------------------------------ expect

function fmt(v: unknown): string {
	try {
		return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
	} catch {
		return String(v);
	}
}

function equals(a: unknown, b: unknown, partial = false): boolean {
	if (Object.is(a, b)) return true;
	if (b instanceof RegExp && typeof a === "string" && partial) return b.test(a);
	if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a) && Array.isArray(b)) {
		if (a.length !== b.length) return false;
		return a.every((x, i) => equals(x, b[i], partial));
	}
	const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
	const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
	if (!partial && ka.length !== kb.length) return false;
	return kb.every((k) => equals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], partial));
}

function matchesError(e: unknown, expected?: unknown): boolean {
	const msg = e instanceof Error ? e.message : String(e);
	if (expected === undefined) return true;
	if (typeof expected === "string") return msg.includes(expected);
	if (expected instanceof RegExp) return expected.test(msg);
	if (typeof expected === "function") return e instanceof (expected as new () => unknown);
	return true;
}

type Matchers = Record<string, (...args: never[]) => unknown>;

function matchers(actual: unknown, negate: boolean): Matchers {
	const check = (pass: boolean, what: string) => {
		if (pass === negate) throw new Error(`expected ${fmt(actual)} ${negate ? "not " : ""}${what}`);
	};
	return {
		toBe: (e: unknown) => check(Object.is(actual, e), `to be ${fmt(e)}`),
		toEqual: (e: unknown) => check(equals(actual, e), `to equal ${fmt(e)}`),
		toStrictEqual: (e: unknown) => check(equals(actual, e), `to strictly equal ${fmt(e)}`),
		toMatchObject: (e: unknown) => check(equals(actual, e, true), `to match ${fmt(e)}`),
		toBeNull: () => check(actual === null, "to be null"),
		toBeUndefined: () => check(actual === undefined, "to be undefined"),
		toBeDefined: () => check(actual !== undefined, "to be defined"),
		toBeTruthy: () => check(Boolean(actual), "to be truthy"),
		toBeFalsy: () => check(!actual, "to be falsy"),
		toHaveLength: (n: number) => check((actual as { length?: number })?.length === n, `to have length ${n}`),
		toContain: (x: unknown) =>
			check(
				typeof actual === "string"
					? actual.includes(String(x))
					: Array.isArray(actual) && actual.some((v) => Object.is(v, x)),
				`to contain ${fmt(x)}`,
			),
		toContainEqual: (x: unknown) =>
			check(Array.isArray(actual) && actual.some((v) => equals(v, x)), `to contain ${fmt(x)}`),
		toHaveProperty: (k: string, v?: unknown) =>
			check(
				actual !== null &&
					typeof actual === "object" &&
					k in (actual as object) &&
					(v === undefined || equals((actual as Record<string, unknown>)[k], v)),
				`to have property ${k}`,
			),
		toMatch: (re: RegExp | string) =>
			check(
				typeof actual === "string" && (typeof re === "string" ? actual.includes(re) : re.test(actual)),
				`to match ${re}`,
			),
		toBeGreaterThan: (n: number) => check((actual as number) > n, `to be > ${n}`),
		toBeGreaterThanOrEqual: (n: number) => check((actual as number) >= n, `to be >= ${n}`),
		toBeLessThan: (n: number) => check((actual as number) < n, `to be < ${n}`),
		toBeLessThanOrEqual: (n: number) => check((actual as number) <= n, `to be <= ${n}`),
		toBeTypeOf: (t: string) => check(typeof actual === t, `to be of type ${t}`),
		toThrow: (e?: unknown) => {
			let threw = false;
			let err: unknown;
			try {
				(actual as () => unknown)();
			} catch (x) {
				threw = true;
				err = x;
			}
			check(threw && matchesError(err, e), `to throw ${e === undefined ? "" : String(e)}`);
		},
	};
}

export function expect(actual: unknown) {
	const base = matchers(actual, false);
	const rejects = {
		toThrow: async (e?: unknown) => {
			try {
				await actual;
			} catch (x) {
				if (!matchesError(x, e))
					throw new Error(`expected rejection matching ${String(e)}, got: ${x instanceof Error ? x.message : x}`);
				return;
			}
			throw new Error("expected the promise to reject");
		},
	};
	rejects.toThrow satisfies unknown;
	return Object.assign(base, {
		not: matchers(actual, true),
		rejects: Object.assign(rejects, { toThrowError: rejects.toThrow }),
		resolves: new Proxy({} as Matchers, {
			get:
				(_t, key: string) =>
				async (...args: never[]) =>
					matchers(await actual, false)[key](...args),
		}),
	});
}
expect.any = (c: unknown) => c;
