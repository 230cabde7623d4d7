/**
 * Runs one request through an app version's server module, in a sandbox
 * isolate of its own (a Dynamic Worker), and always answers: the app's own
 * response, buffered up to a cap, or a JSON error that concerns this request
 * alone (a throw, a hang past the wall clock, an oversized answer).
 */
import { exports } from "cloudflare:workers";
import { readBody } from "../../../src/http/body";
import { errorBody, HttpError } from "../../../src/http/errors";
import type { DbLimits } from "../app-db/limits";
import type { TailProps } from "../logs/tail";
import type { SandboxSecrets } from "../secrets/sandbox";
import type { DataProps, OutboundProps, SqlProps } from "./entrypoints";
import { MAX_APP_RESPONSE_BYTES, SANDBOX_LIMITS } from "./limits";
import { MAIN_MODULE, sandboxModules, suppliedRevision } from "./modules";

/** The sandbox's compatibility date: fixed, so an app keeps behaving as when it was written. */
export const SANDBOX_COMPATIBILITY_DATE = "2026-11-01";

/** The loopback stubs of this Worker's own entrypoints (sandbox/entrypoints.ts, exported by index.ts). */
const own = exports as unknown as {
	AppOutbound: (options: { props: OutboundProps }) => Fetcher;
	AppData: (options: { props: DataProps }) => Fetcher;
	AppSql: (options: { props: SqlProps }) => Fetcher;
	AppTail: (options: { props: TailProps }) => Fetcher;
};

export interface AppServerVersion {
	project: string;
	number: number;
	server: string;
	contentHash: string;
}

export interface RunOptions {
	loader: WorkerLoader;
	version: AppServerVersion;
	/** The request as the app sees it: its URL's path starts with /api/. */
	request: Request;
	/** Hosts the app may not fetch: Kiln's own, and every project origin. */
	refuseHosts: string[];
	wallClockMs: number;
	/** The quotas of the project's SQL database (APP_DB_MAX_BYTES and the fixed ones). */
	dbLimits: DbLimits;
	/** The owner's secrets, `env.<NAME>` (secrets/sandbox.ts): read only when a new sandbox is built. */
	secrets: SandboxSecrets;
}

/**
 * The loader id of a version's sandbox. The loader may keep a warm isolate per
 * id, so the id names everything that goes into it: the version (and its
 * content, should a number ever be reused), the revision of what Kiln
 * supplies (its modules and the quotas baked into the env's SQL stub), and the
 * project's secrets revision (with the key's id): a changed secret is a new
 * sandbox on the next request.
 */
export async function sandboxId(v: AppServerVersion, dbLimits: DbLimits, secretsTag = "s0"): Promise<string> {
	return `${v.project}/v${v.number}/${v.contentHash.slice(0, 16)}/${await suppliedRevision(JSON.stringify(dbLimits))}/${secretsTag}`;
}

export async function runAppServer(o: RunOptions): Promise<Response> {
	const { project, server } = o.version;
	const sandbox = o.loader.get(await sandboxId(o.version, o.dbLimits, o.secrets.tag), async () => {
		const secrets = await o.secrets.load();
		return {
			compatibilityDate: SANDBOX_COMPATIBILITY_DATE,
			mainModule: MAIN_MODULE,
			modules: sandboxModules(server, "run"),
			// All the app gets: its owner's secrets, its own document store and SQL database (each
			// a stub bound to the project). No binding, setting or secret of Kiln's.
			env: {
				...secrets,
				db: own.AppData({ props: { project } }),
				DB: own.AppSql({ props: { project, limits: o.dbLimits } }),
			},
			globalOutbound: own.AppOutbound({ props: { project, refuseHosts: o.refuseHosts } }),
			// The runtime's report of each request (what the app printed, what it threw) goes to
			// the owner's log, with these secret values cut out (logs/tail.ts).
			tails: [own.AppTail({ props: { project, redact: Object.values(secrets) } })],
			limits: SANDBOX_LIMITS,
		};
	});
	const entry = sandbox.getEntrypoint(undefined, { limits: SANDBOX_LIMITS });

	// One wall clock for the answer and its body: an awaited promise that never settles, a
	// slow stream. (CPU spent in a busy loop is the cpuMs limit's job, enforced by Cloudflare.)
	const abort = new AbortController();
	let timer: ReturnType<typeof setTimeout> | null = null;
	const deadline = new Promise<"timeout">((resolve) => {
		timer = setTimeout(() => {
			abort.abort();
			resolve("timeout");
		}, o.wallClockMs);
	});
	try {
		const res = await Promise.race([entry.fetch(o.request, { signal: abort.signal }), deadline]);
		if (res === "timeout") return timedOut(o.wallClockMs);
		const body = await Promise.race([readCapped(res, MAX_APP_RESPONSE_BYTES), deadline]);
		if (body === "timeout") return timedOut(o.wallClockMs);
		if (body === "too_large") {
			return failure(502, "app_response_too_large", `The app's answer is over ${MAX_APP_RESPONSE_BYTES} bytes.`);
		}
		const headers = new Headers(res.headers);
		headers.delete("content-length");
		headers.set("X-Kiln-Version", String(o.version.number));
		if (!headers.has("cache-control")) headers.set("Cache-Control", "no-store");
		return new Response(nullBody(res.status) ? null : body, { status: res.status, headers });
	} catch (err) {
		return classify(err, o.wallClockMs);
	} finally {
		if (timer !== null) clearTimeout(timer);
	}
}

function nullBody(status: number): boolean {
	return status === 101 || status === 204 || status === 205 || status === 304;
}

/** The whole body, or "too_large" as soon as it passes `max` bytes (the rest is not read). */
async function readCapped(res: Response, max: number): Promise<Uint8Array | "too_large"> {
	try {
		return await readBody(res, max);
	} catch (err) {
		if (err instanceof HttpError && err.status === 413) return "too_large";
		throw err;
	}
}

function failure(status: number, code: string, message: string): Response {
	return Response.json(errorBody(code, message), { status, headers: { "Cache-Control": "no-store" } });
}

function timedOut(ms: number): Response {
	return failure(504, "app_timeout", `The app's server did not answer within ${ms} ms.`);
}

/** What a rejected call into the sandbox means, without passing on the app's own error text. */
function classify(err: unknown, wallClockMs: number): Response {
	const text = err instanceof Error ? err.message : String(err);
	// workerd cancels a request whose every promise waits on nothing that can settle it.
	if (/hung and would never generate a response/i.test(text)) return timedOut(wallClockMs);
	if (/^Failed to start Worker/i.test(text)) {
		// Not the runtime's text either: top-level code can read env (cloudflare:workers), so it may quote a secret.
		console.error("app server failed to start");
		return failure(500, "app_failed_to_start", "The app's server module could not be started.");
	}
	// Not the app's own message, which may quote its secrets: the owner's log has it, redacted.
	console.error(`app server failed: ${err instanceof Error ? err.name : typeof err}`);
	return failure(500, "app_error", "The app's server failed on this request.");
}
