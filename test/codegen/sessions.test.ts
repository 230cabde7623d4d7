/**
 * Reads from the nearest replica (README › Reads and replicas): which D1
 * session each path opens, the bookmark carried from a write to the reads that
 * must see it, the retry on the primary after a miss, and a malformed
 * bookmark refused.
 *
 * The local D1 has no replicas: every session reads the one local copy, so
 * these tests show what Kiln asks D1 for (recorded by wrapping env.DB's
 * `withSession`) and the real bookmarks it gets back, not a replica's lag.
 * A replica that has not caught up is stood in for by a session that finds
 * no rows (`lagging`).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { BOOKMARK_HEADER, isBookmark } from "../../src/shared/bookmark";
import { STARTERS } from "../../workers/codegen/starters";
import {
	allEvents,
	call,
	callWithEnv,
	expectError,
	generate,
	newProject,
	origin,
	rowCounts,
	type SseEvent,
	summarize,
} from "./helpers";

const SESSION_HEADER = "x-kiln-d1-session";

/** env.DB, recording what each `withSession` was asked for; with `lagging`, a first-unconstrained session finds nothing. */
function recordingDb(opts: { lagging?: boolean } = {}) {
	const starts: string[] = [];
	const d1 = new Proxy(env.DB, {
		get(target, prop) {
			if (prop === "withSession") {
				return (start: string) => {
					starts.push(start);
					const session = target.withSession(start);
					return opts.lagging && start === "first-unconstrained" ? findsNothing(session) : session;
				};
			}
			const v = Reflect.get(target, prop, target);
			return typeof v === "function" ? v.bind(target) : v;
		},
	});
	return { d1, starts };
}

/** A session on a replica that has none of the rows asked for (yet): every read answers empty. */
function findsNothing(session: D1DatabaseSession): D1DatabaseSession {
	const empty = (stmt: D1PreparedStatement): D1PreparedStatement =>
		new Proxy(stmt, {
			get(target, prop) {
				if (prop === "bind") return (...args: unknown[]) => empty(target.bind(...args));
				if (prop === "all") return async () => ({ success: true, meta: {}, results: [] });
				if (prop === "raw") return async () => [];
				if (prop === "first") return async () => null;
				const v = Reflect.get(target, prop, target);
				return typeof v === "function" ? v.bind(target) : v;
			},
		});
	return {
		prepare: (sql: string) => empty(session.prepare(sql)),
		batch: (statements: D1PreparedStatement[]) => session.batch(statements),
		getBookmark: () => session.getBookmark(),
	} as D1DatabaseSession;
}

/** A request to the codegen Worker whose D1 is `d1` (from recordingDb); the body is read whole. */
function via(d1: D1Database, path: string, init: RequestInit & { base?: string } = {}) {
	return callWithEnv({ DB: d1 }, path, init);
}

function doneOf(events: SseEvent[]) {
	const last = events.at(-1);
	if (last?.event !== "done") throw new Error(`the stream ended with ${last?.event}`);
	return last.data;
}

const json = { "content-type": "application/json" };
const STARTER = STARTERS.find((s) => !s.server)?.prompt as string;

let project: string;
let token: string;

beforeAll(async () => {
	({ project, token } = await newProject("the sessions test"));
});

describe("the bookmark travels from a write to the reads that must see it", () => {
	it("generate: `done` carries the write's bookmark; a read sent with it starts from exactly it and answers one no older", async () => {
		const { d1, starts } = recordingDb();
		const res = await via(d1, "/api/generate", {
			method: "POST",
			headers: json,
			body: JSON.stringify({ prompt: STARTER }),
		});
		const g = summarize(await allEvents(res));
		const done = doneOf(g.events);
		expect(starts).toEqual(["first-primary"]);
		expect(isBookmark(done.bookmark)).toBe(true);
		const written = done.bookmark as string;

		const reader = recordingDb();
		const read = await via(reader.d1, `/api/projects/${g.project}`, { headers: { [BOOKMARK_HEADER]: written } });
		expect(read.status).toBe(200);
		expect(reader.starts).toEqual([written]);
		expect(read.headers.get(SESSION_HEADER)).toBe("bookmark");
		const returned = read.headers.get(BOOKMARK_HEADER) as string;
		expect(isBookmark(returned)).toBe(true);
		expect(returned >= written).toBe(true);
		const body = await read.json<{ versions: { number: number }[] }>();
		expect(body.versions.map((v) => v.number)).toEqual([1]);
	});

	it("an edit's `done` bookmark is newer than the bookmark the client last had, and the version read with it is the new one", async () => {
		const before = (await call(`/api/projects/${project}`)).headers.get(BOOKMARK_HEADER) as string;
		const g = await generate({ prompt: "make it blue", project }, token);
		const done = doneOf(g.events);
		expect((done.bookmark as string) > before).toBe(true);
		const reader = recordingDb();
		const v = await via(reader.d1, `/api/projects/${project}/versions/${done.version}`, {
			headers: { [BOOKMARK_HEADER]: done.bookmark as string },
		});
		expect(v.status).toBe(200);
		expect(reader.starts).toEqual([done.bookmark]);
		expect((await v.json<{ version: { number: number } }>()).version.number).toBe(done.version);
	});

	it("remix: the answer's header carries the write's bookmark, which the read of the new project starts from", async () => {
		const { d1, starts } = recordingDb();
		const res = await via(d1, `/api/projects/${project}/remix`, { method: "POST", headers: json, body: "{}" });
		expect(res.status).toBe(201);
		expect(starts).toEqual(["first-primary"]);
		const written = res.headers.get(BOOKMARK_HEADER) as string;
		expect(isBookmark(written)).toBe(true);
		const remixed = (await res.json<{ project: string }>()).project;

		const reader = recordingDb();
		const read = await via(reader.d1, `/api/projects/${remixed}`, { headers: { [BOOKMARK_HEADER]: written } });
		expect(read.status).toBe(200);
		expect(reader.starts).toEqual([written]);
		expect((read.headers.get(BOOKMARK_HEADER) as string) >= written).toBe(true);
	});

	it("a write ignores a bookmark sent with it: it starts on the primary, which is newer than any", async () => {
		const bookmark = (await call(`/api/projects/${project}`)).headers.get(BOOKMARK_HEADER) as string;
		const { d1, starts } = recordingDb();
		const res = await via(d1, "/api/generate", {
			method: "POST",
			headers: { ...json, [BOOKMARK_HEADER]: bookmark },
			body: JSON.stringify({ prompt: STARTER }),
		});
		expect(doneOf(await allEvents(res)).bookmark).toBeDefined();
		expect(starts).toEqual(["first-primary"]);
	});
});

describe("the session each path opens", () => {
	// A project of this table's own, so that its pinned page is not in any cache yet.
	let p: string;
	let t: string;
	let bookmark: string;
	beforeAll(async () => {
		({ project: p, token: t } = await newProject("the session table"));
		bookmark = (await call(`/api/projects/${p}`)).headers.get(BOOKMARK_HEADER) as string;
	});

	const nearest = () => ["first-unconstrained"];
	const primary = () => ["first-primary"];
	const none = () => [];
	const afterBookmark = () => [bookmark];
	const withBookmark = () => ({ headers: { [BOOKMARK_HEADER]: bookmark } });
	const onItsOrigin = (init: RequestInit = {}) => ({ ...init, base: origin(p) });
	const post = (body: unknown, headers: Record<string, string> = {}) => ({
		method: "POST",
		headers: { ...json, ...headers },
		body: JSON.stringify(body),
	});
	const owner = () => ({ authorization: `Bearer ${t}` });
	/** The last column, when given: X-Kiln-D1-Session, which names only the sessions opened before the answer began. */
	type Row = [
		what: string,
		path: string,
		init: () => RequestInit & { base?: string },
		starts: () => string[],
		header?: string | null,
	];
	const rows: Row[] = [
		["the project (SPA)", "/api/projects/:p", () => ({}), nearest],
		["the project, after a bookmark", "/api/projects/:p", withBookmark, afterBookmark],
		["a version (SPA)", "/api/projects/:p/versions/1", () => ({}), nearest],
		["a version, after a bookmark", "/api/projects/:p/versions/1", withBookmark, afterBookmark],
		["the latest page under /p/", "/p/:p/", () => ({}), nearest],
		["the latest page under /p/, a bookmark header (the app's: not read)", "/p/:p/", withBookmark, nearest],
		["the latest page on its origin", "/", () => onItsOrigin(), nearest],
		["a pinned page on its origin, first time", "/v/1/", () => onItsOrigin(), nearest],
		["a pinned page on its origin, cached", "/v/1/", () => onItsOrigin(), none],
		[
			"an app's server, POST (Kiln only reads)",
			"/api/anything",
			() => onItsOrigin({ method: "POST", body: "x" }),
			nearest,
		],
		["an app's server under /p/, POST", "/p/:p/api/anything", () => ({ method: "POST", body: "x" }), nearest],
		// The documents live in the project's own object: reading them needs no D1.
		["the document store, GET (no D1)", "/api/projects/:p/data/notes", () => ({}), none],
		["the document store on its origin, GET (no D1)", "/_kiln/data/notes", () => onItsOrigin(), none],
		["the document store, PUT", "/api/projects/:p/data/notes/a", () => ({ ...post(1), method: "PUT" }), primary],
		// A new project's stream begins before its first query (the write, after the model).
		["generate, a new project", "/api/generate", () => post({ prompt: STARTER }), primary, null],
		["generate, an edit", "/api/generate", () => post({ prompt: "again", project: p }, owner()), primary],
		["remix", "/api/projects/:p/remix", () => post({}), primary],
		["the owner's download", "/api/projects/:p/database", () => ({ headers: owner() }), nearest],
		["the owner's reset", "/api/projects/:p/database/reset", () => ({ method: "POST", headers: owner() }), primary],
		["health", "/healthz", () => ({}), nearest],
		["health, a bookmark header (outside /api/: not read)", "/healthz", withBookmark, nearest],
		["config (no D1)", "/api/config", () => ({}), none],
	];

	it.each(rows)("%s: %s", async (_what, path, init, starts, header) => {
		const { d1, starts: seen } = recordingDb();
		const res = await via(d1, path.replace(":p", p), init());
		expect(res.status, await res.clone().text()).toBeLessThan(500);
		expect(seen).toEqual(starts());
		const kinds = seen.map((s) => (isBookmark(s) ? "bookmark" : s));
		expect(res.headers.get(SESSION_HEADER)).toBe(header !== undefined ? header : kinds.join(", ") || null);
	});

	it("every answer of Kiln's API that used D1 carries the newest bookmark; apps' pages carry none", async () => {
		for (const path of [`/api/projects/${project}`, `/api/projects/${project}/versions/1`, "/api/projects/nosuch99"]) {
			expect(isBookmark((await call(path)).headers.get(BOOKMARK_HEADER)), path).toBe(true);
		}
		expect((await call("/api/config")).headers.get(BOOKMARK_HEADER)).toBeNull();
		expect((await call(`/p/${project}/`)).headers.get(BOOKMARK_HEADER)).toBeNull();
		expect((await call("/", { base: origin(project) })).headers.get(BOOKMARK_HEADER)).toBeNull();
	});
});

describe("a miss off the primary is asked again of the primary", () => {
	it("an unknown project or version: first-unconstrained, then first-primary, then 404", async () => {
		for (const [path, code] of [
			["/api/projects/nosuch99", "project_not_found"],
			[`/api/projects/${project}/versions/99`, "version_not_found"],
			["/p/nosuch99/", "project_not_found"],
			[`/p/${project}/v/99/`, "version_not_found"],
		] as const) {
			const { d1, starts } = recordingDb();
			const res = await via(d1, path);
			expect(starts, path).toEqual(["first-unconstrained", "first-primary"]);
			expect(res.headers.get(SESSION_HEADER)).toBe("first-unconstrained, first-primary");
			await expectError(res, 404, code);
		}
	});

	it("after a bookmark too: the bookmark's session, then the primary", async () => {
		const bookmark = (await call(`/api/projects/${project}`)).headers.get(BOOKMARK_HEADER) as string;
		const { d1, starts } = recordingDb();
		await expectError(
			await via(d1, "/api/projects/nosuch99", { headers: { [BOOKMARK_HEADER]: bookmark } }),
			404,
			"project_not_found",
		);
		expect(starts).toEqual([bookmark, "first-primary"]);
	});

	it("while the nearest replica has not caught up, a version that exists is still served: the preview's pinned URL is always right", async () => {
		const g = await generate({ prompt: "one more", project }, token);
		const n = doneOf(g.events).version;
		const lagging = () => recordingDb({ lagging: true });
		const reads: [string, RequestInit & { base?: string }][] = [
			[`/v/${n}/`, { base: origin(project) }], // what the preview iframe loads
			[`/p/${project}/v/${n}/`, {}],
			[`/api/projects/${project}`, {}],
			[`/api/projects/${project}/versions/${n}`, {}],
			["/", { base: origin(project) }],
		];
		for (const [path, init] of reads) {
			const { d1, starts } = lagging();
			const res = await via(d1, path, init);
			expect(res.status, path).toBe(200);
			expect(starts, path).toEqual(["first-unconstrained", "first-primary"]);
		}
		// The project's versions come from the primary too, once the project was found only there.
		const { d1 } = lagging();
		const body = await (await via(d1, `/api/projects/${project}`)).json<{ versions: { number: number }[] }>();
		expect(body.versions.at(-1)?.number).toBe(n);
	});

	it("a found row is not asked again: one session, one query", async () => {
		const { d1, starts } = recordingDb();
		const res = await via(d1, `/p/${project}/`);
		expect(res.status).toBe(200);
		expect(starts).toEqual(["first-unconstrained"]);
		expect(res.headers.get("server-timing")).toBe('d1;desc="1 query"');
	});
});

describe("a malformed bookmark", () => {
	const bad = [
		"garbage",
		"first-primary",
		"00000000-0000000A-00000000-00000000000000000000000000000000",
		"00000000-00000004-00000000-0000",
		`00000000-00000004-00000000-${"0".repeat(200)}`,
	];

	it("is refused on a read: 400 invalid_bookmark, and D1 is not asked", async () => {
		for (const value of bad) {
			const { d1, starts } = recordingDb();
			const res = await via(d1, `/api/projects/${project}`, { headers: { [BOOKMARK_HEADER]: value } });
			await expectError(res, 400, "invalid_bookmark");
			expect(starts, value).toEqual([]);
		}
	});

	it("is refused on a write: 400 invalid_bookmark, nothing written, before anything streams", async () => {
		const before = await rowCounts();
		for (const [path, body] of [
			["/api/generate", JSON.stringify({ prompt: STARTER })],
			[`/api/projects/${project}/remix`, "{}"],
		]) {
			const { d1, starts } = recordingDb();
			const res = await via(d1, path, { method: "POST", headers: { ...json, [BOOKMARK_HEADER]: "garbage" }, body });
			await expectError(res, 400, "invalid_bookmark");
			expect(starts).toEqual([]);
		}
		expect(await rowCounts()).toEqual(before);
	});

	it("an empty header is no bookmark", async () => {
		const { d1, starts } = recordingDb();
		const res = await via(d1, `/api/projects/${project}`, { headers: { [BOOKMARK_HEADER]: "" } });
		expect(res.status).toBe(200);
		expect(starts).toEqual(["first-unconstrained"]);
	});
});
