import type { Context } from "hono";
import type { Db } from "../../src/db/client";
import type { ProjectState } from "../../src/db/project-state";
import { getProjectAndVersion } from "../../src/db/projects";
import { HttpError } from "../../src/http/errors";
import { dbLimits } from "./app-db/limits";
import type { CodegenEnv } from "./context";
import { newRequestId, REQUEST_ID_HEADER } from "./logs/entry";
import { queueLog } from "./logs/queue";
import { MemoryLru } from "./memory-lru";
import { noteProjectState, projectState } from "./project-state";
import { rateLimit } from "./rate-limit";
import { wallClockMs } from "./sandbox/limits";
import { runAppServer } from "./sandbox/run";
import { sandboxSecrets } from "./secrets/sandbox";
import { takenDownError } from "./takedown";

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
 * latest, or pinned version n) answers it in its sandbox, with its owner's
 * secrets, and the request goes into its owner's log. Refused before the
 * sandbox: over the project's rate limit (429), no such version (404), a
 * taken-down app (410), a version without server code (404 no_server),
 * servers unavailable here (501: no loader binding, or APP_SERVERS=off).
 */
export async function serveAppApi(
	c: Context<CodegenEnv>,
	project: string,
	which: number | "latest",
): Promise<Response> {
	// Whatever the method, Kiln only reads here (which code to run): from the nearest copy.
	c.get("d1").readFrom("nearest");
	await rateLimit(c.env.APP_LIMITER, project, "requests to this app's server");
	const d1 = c.get("d1");
	const found = await d1.find((db) => findServer(db, project, which));
	if (!found) {
		throw which === "latest"
			? new HttpError(404, "project_not_found", `No project "${project}".`)
			: new HttpError(404, "version_not_found", `Project "${project}" has no version ${which}.`);
	}
	if (found.state.disabledAt !== null) throw takenDownError();
	const version = found.version;
	if (version.server === null) {
		throw new HttpError(404, "no_server", `Version ${version.number} of this app has no server code.`);
	}
	const servers = appServers(c.env);
	if (!servers.available) throw new HttpError(501, "servers_unavailable", servers.message);

	const url = new URL(c.req.url);
	// The app sees its API at /api/... whichever version or mount point the page is at.
	const path = url.pathname.slice(url.pathname.indexOf("/api"));
	const request = new Request(new URL(`${path}${url.search}`, url.origin), c.req.raw);
	// The id that joins Kiln's report of this request to the runtime's (logs/entry.ts).
	const id = newRequestId();
	request.headers.set(REQUEST_ID_HEADER, id);
	const started = Date.now();
	const res = await runAppServer({
		loader: servers.loader,
		version: { project, number: version.number, server: version.server, contentHash: version.contentHash },
		request,
		refuseHosts: refusedHosts(url, c.env.PROJECT_ORIGIN),
		wallClockMs: wallClockMs(c.env.APP_SERVER_TIMEOUT_MS),
		dbLimits: dbLimits(c.env.APP_DB_MAX_BYTES),
		secrets: await sandboxSecrets(
			c.env.KILN_SECRETS_KEY,
			(lookup) => d1.find(lookup),
			project,
			found.state.secretsRevision,
		),
	});
	const facts = {
		id,
		at: started,
		method: request.method,
		path,
		status: res.status,
		durationMs: Date.now() - started,
		version: version.number,
	};
	queueLog(c.env.APP_LOGS, c.executionCtx, project, { facts });
	return res;
}

interface ServerRow {
	number: number;
	server: string | null;
	contentHash: string;
}

/**
 * A pinned version never changes, so its server module is kept in this
 * isolate's memory after its first request: a warm pinned page's api/ calls
 * cost no D1 query while this isolate's copy of the project's state (taken
 * down, secrets revision) is fresh (project-state.ts), else one small one.
 * The latest needs one query, to know which version is latest: it reads the
 * project's state with it.
 */
const pinnedServers = new MemoryLru<ServerRow>(8 * 1024 * 1024);

/**
 * The version's server and the project's state; null when there is no such
 * project or version (so that `RequestDb.find` asks the primary before a 404).
 */
async function findServer(
	db: Db,
	project: string,
	which: number | "latest",
): Promise<{ version: ServerRow; state: ProjectState } | null> {
	const key = `${project}/${which}`;
	const kept = which === "latest" ? undefined : pinnedServers.get(key);
	if (kept) {
		const state = await projectState(db, project);
		return state ? { version: kept, state } : null;
	}
	const found = await getProjectAndVersion(db, project, which);
	if (!found) return null;
	noteProjectState(project, found.project);
	const v = found.version;
	if (!v) return null;
	const row = { number: v.number, server: v.server, contentHash: v.contentHash };
	if (which !== "latest") pinnedServers.set(key, row, (row.server?.length ?? 0) * 2 + 256);
	return { version: row, state: found.project };
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
