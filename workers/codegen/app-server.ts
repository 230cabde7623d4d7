import type { Context } from "hono";
import type { Db } from "../../src/db/client";
import { getVersion } from "../../src/db/projects";
import { HttpError } from "../../src/http/errors";
import { dbLimits } from "./app-db/limits";
import type { CodegenEnv } from "./context";
import { MemoryLru } from "./memory-lru";
import { rateLimit } from "./rate-limit";
import { wallClockMs } from "./sandbox/limits";
import { runAppServer } from "./sandbox/run";

export const NO_LOADER_MESSAGE =
	"This Kiln cannot run apps' server code: its codegen Worker has no Dynamic Workers binding (LOADER; Workers Paid plan). The page works; its api/ calls do not.";
export const SERVERS_OFF_MESSAGE =
	"Apps' server code is turned off on this Kiln (APP_SERVERS=off). The page works; its api/ calls do not.";

export type AppServers = { available: true; loader: WorkerLoader } | { available: false; message: string };

/**
 * Whether apps' server code can run here: there is a loader binding (a plan
 * with Dynamic Workers) and the operator has not turned servers off
 * (`APP_SERVERS=off`, e.g. to stop a bill at once without a redeploy).
 */
export function appServers(env: CodegenBindings): AppServers {
	if (env.APP_SERVERS?.trim().toLowerCase() === "off") return { available: false, message: SERVERS_OFF_MESSAGE };
	const loader = (env as { LOADER?: WorkerLoader }).LOADER;
	return loader ? { available: true, loader } : { available: false, message: NO_LOADER_MESSAGE };
}

/**
 * A request to an app's `api/...` path: the server module of that version (the
 * latest, or pinned version n) answers it in its sandbox. Refused before the
 * sandbox: over the project's rate limit (429), no such version (404), a
 * version without server code (404 no_server), servers unavailable here (501:
 * no loader binding, or APP_SERVERS=off).
 */
export async function serveAppApi(
	c: Context<CodegenEnv>,
	project: string,
	which: number | "latest",
): Promise<Response> {
	// Whatever the method, Kiln only reads here (which code to run): from the nearest copy.
	c.get("d1").readFrom("nearest");
	await rateLimit(c.env.APP_LIMITER, project, "requests to this app's server");
	const version = await c.get("d1").find((db) => findServer(db, project, which));
	if (!version) {
		throw which === "latest"
			? new HttpError(404, "project_not_found", `No project "${project}".`)
			: new HttpError(404, "version_not_found", `Project "${project}" has no version ${which}.`);
	}
	if (version.server === null) {
		throw new HttpError(404, "no_server", `Version ${version.number} of this app has no server code.`);
	}
	const servers = appServers(c.env);
	if (!servers.available) throw new HttpError(501, "servers_unavailable", servers.message);

	const url = new URL(c.req.url);
	// The app sees its API at /api/... whichever version or mount point the page is at.
	const target = new URL(`${url.pathname.slice(url.pathname.indexOf("/api"))}${url.search}`, url.origin);
	return runAppServer({
		loader: servers.loader,
		version: { project, number: version.number, server: version.server, contentHash: version.contentHash },
		request: new Request(target, c.req.raw),
		refuseHosts: refusedHosts(url, c.env.PROJECT_ORIGIN),
		wallClockMs: wallClockMs(c.env.APP_SERVER_TIMEOUT_MS),
		dbLimits: dbLimits(c.env.APP_DB_MAX_BYTES),
	});
}

interface ServerRow {
	number: number;
	server: string | null;
	contentHash: string;
}

/**
 * A pinned version never changes, so its server module is kept in this
 * isolate's memory after its first request: a warm pinned page's api/ calls
 * cost no D1 query (the latest needs one, to know which version is latest).
 */
const pinnedServers = new MemoryLru<ServerRow>(8 * 1024 * 1024);

async function findServer(db: Db, project: string, which: number | "latest"): Promise<ServerRow | null> {
	const key = `${project}/${which}`;
	const kept = which === "latest" ? undefined : pinnedServers.get(key);
	if (kept) return kept;
	const v = await getVersion(db, project, which);
	if (!v) return null;
	const row = { number: v.number, server: v.server, contentHash: v.contentHash };
	if (which !== "latest") pinnedServers.set(key, row, (row.server?.length ?? 0) * 2 + 256);
	return row;
}

/**
 * Hosts an app's server may not fetch although they may be public: the host it
 * was reached at (Kiln's own, or its project origin) and, with a
 * `PROJECT_ORIGIN` pattern, every project origin. Locally every such host is a
 * `*.localhost` name, which the guard refuses anyway.
 */
function refusedHosts(url: URL, pattern: string | undefined): string[] {
	const hosts = [url.hostname];
	const m = /^https?:\/\/\*\.([^/:]+)/i.exec(pattern?.trim() ?? "");
	if (m) hosts.push(`*.${m[1]}`);
	return hosts;
}

/** CORS for an app served sandboxed (an opaque origin): its own server may be called from anywhere, without credentials. */
export const SANDBOX_CORS = {
	"Access-Control-Allow-Origin": "*",
	"Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
	"Access-Control-Allow-Headers": "content-type",
	"Access-Control-Max-Age": "86400",
} as const;
