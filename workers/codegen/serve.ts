import type { Context } from "hono";
import type { Db } from "../../src/db/client";
import { getProjectAndVersion } from "../../src/db/projects";
import { HttpError } from "../../src/http/errors";
import type { CodegenEnv } from "./context";
import { MemoryLru } from "./memory-lru";
import { isTakenDown, noteProjectState } from "./project-state";
import { takenDownPage } from "./takedown";

/** Where no project origin exists, the app runs in an opaque origin: no cookies, no storage, no Kiln. */
export const SANDBOX_CSP = "sandbox allow-scripts allow-forms allow-modals allow-popups";
export const PINNED_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** The latest version may change at any time: store it, but ask every time (ETag makes that cheap). */
export const LATEST_CACHE_CONTROL = "public, no-cache";

type Isolation = "origin" | "sandbox";

function appHeaders(etag: string, cacheControl: string, isolation: Isolation, version: number): Headers {
	const h = new Headers({
		"Content-Type": "text/html; charset=utf-8",
		ETag: etag,
		"Cache-Control": cacheControl,
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "strict-origin-when-cross-origin",
		"X-Kiln-Version": String(version),
	});
	if (isolation === "sandbox") h.set("Content-Security-Policy", SANDBOX_CSP);
	return h;
}

/** True when an If-None-Match header names this ETag (weak or strong, or `*`). */
export function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
	if (!ifNoneMatch) return false;
	if (ifNoneMatch.trim() === "*") return true;
	const bare = etag.replace(/^W\//, "");
	return ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}

function notModified(headers: Headers): Response {
	const h = new Headers(headers);
	h.delete("Content-Type");
	return new Response(null, { status: 304, headers: h });
}

/**
 * The latest version: one D1 query (the version with its project, which says
 * whether it is taken down), `no-cache` + ETag (the content hash), and 304
 * when the client already has it.
 */
export async function serveLatest(c: Context<CodegenEnv>, project: string, isolation: Isolation): Promise<Response> {
	const found = await c.get("d1").find((db) => projectWithVersion(db, project, "latest"));
	if (!found) throw new HttpError(404, "project_not_found", `No project "${project}".`);
	const { project: p, version: v } = found;
	noteProjectState(project, p);
	if (p.disabledAt !== null) return takenDownPage();
	const headers = appHeaders(`"${v.contentHash}"`, LATEST_CACHE_CONTROL, isolation, v.number);
	if (matchesEtag(c.req.header("If-None-Match") ?? null, `"${v.contentHash}"`)) return notModified(headers);
	return new Response(v.code, { headers });
}

/**
 * Pinned versions never change, so an isolate keeps the ones it served in
 * memory too (least recently used first out, within a byte budget): a hit there
 * costs no I/O at all. Behind it, the data centre's Workers cache; behind that, D1.
 * Hand-written: a Map keeps insertion order, which is the whole of an LRU; a library would add nothing.
 */
const memory = new MemoryLru<{ body: string; headers: [string, string][] }>(8 * 1024 * 1024);

function remember(key: string, body: string, headers: Headers) {
	memory.set(key, { body, headers: [...headers] }, body.length * 2 + 512);
}

function recall(key: string) {
	return memory.get(key);
}

/**
 * A pinned version: immutable, cached for a year by browsers and, after the
 * first hit, answered from this isolate's memory or this data centre's Workers
 * cache, so it costs no D1 query (but for the takedown list, read at most once
 * per isolate every few seconds: project-state.ts). A taken-down project's
 * pinned pages answer 410 wherever they are kept, except in browsers that
 * already hold them.
 */
export async function servePinned(
	c: Context<CodegenEnv>,
	project: string,
	n: number,
	isolation: Isolation,
): Promise<Response> {
	const url = new URL(c.req.url);
	const keyUrl = `${url.origin}${url.pathname}`;
	const ifNoneMatch = c.req.header("If-None-Match") ?? null;
	const inMemory = recall(keyUrl);
	if (inMemory) {
		if (await isTakenDown(c.get("db"), project)) return takenDownPage();
		const headers = new Headers(inMemory.headers);
		headers.set("Server-Timing", 'cache;desc="memory"');
		if (matchesEtag(ifNoneMatch, headers.get("ETag") ?? "")) return notModified(headers);
		return new Response(inMemory.body, { status: 200, headers });
	}
	const cache = caches.default;
	const cached = await cache.match(keyUrl);
	if (cached) {
		if (await isTakenDown(c.get("db"), project)) return takenDownPage();
		const headers = new Headers(cached.headers);
		// withDb appends the D1 count (zero here) after this.
		headers.set("Server-Timing", 'cache;desc="hit"');
		const body = await cached.text();
		remember(keyUrl, body, headers);
		if (matchesEtag(ifNoneMatch, headers.get("ETag") ?? "")) return notModified(headers);
		return new Response(body, { status: 200, headers });
	}
	const found = await c.get("d1").find((db) => projectWithVersion(db, project, n));
	if (!found) throw new HttpError(404, "version_not_found", `Project "${project}" has no version ${n}.`);
	const { project: p, version: v } = found;
	noteProjectState(project, p);
	if (p.disabledAt !== null) return takenDownPage();
	const headers = appHeaders(`"${v.contentHash}"`, PINNED_CACHE_CONTROL, isolation, v.number);
	c.executionCtx.waitUntil(cache.put(keyUrl, new Response(v.code, { headers })));
	remember(keyUrl, v.code, headers);
	if (matchesEtag(ifNoneMatch, `"${v.contentHash}"`)) return notModified(headers);
	return new Response(v.code, { headers });
}

/** The project and one of its versions, in one query; null when either is missing (`find` then asks the primary). */
async function projectWithVersion(db: Db, project: string, n: number | "latest") {
	const found = await getProjectAndVersion(db, project, n);
	return found?.version ? { project: found.project, version: found.version } : null;
}
