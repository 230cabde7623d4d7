/**
 * The contract of a project's secrets and server logs (owner only), shared by
 * the codegen Worker (which validates with it) and the SPA (which checks a
 * form before sending it). No zod here: the SPA imports these checks, and zod
 * stays out of its first page (the Worker's route has the body's schema).
 */

/** A secret's name: how the server reads it, `env.NAME`. */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
/** Names the sandbox already gives the app (`env.DB`, `env.db`), and Kiln's own prefix. */
export const RESERVED_SECRET_NAMES: readonly string[] = ["DB"];
export const RESERVED_SECRET_PREFIX = "KILN_";
/** Most UTF-8 bytes of one value (a Worker secret's own limit). */
export const MAX_SECRET_BYTES = 5 * 1024;
/** Most secrets of one project. */
export const MAX_SECRETS_PER_PROJECT = 32;

/** Why `name` cannot be a secret's name, or null when it can. */
export function secretNameProblem(name: string): string | null {
	if (!SECRET_NAME.test(name)) {
		return "A secret's name is 1 to 64 of A-Z, 0-9 and _, starting with a letter (e.g. API_KEY).";
	}
	if (RESERVED_SECRET_NAMES.includes(name)) return `${name} is the app's SQL database (env.DB); choose another name.`;
	if (name.startsWith(RESERVED_SECRET_PREFIX)) return `Names starting with ${RESERVED_SECRET_PREFIX} are Kiln's own.`;
	return null;
}

/** PUT /api/projects/:project/secrets/:name */
export interface PutSecretRequest {
	value: string;
}

/** Why `value` cannot be a secret's value, or null when it can. */
export function secretValueProblem(value: string): "empty" | "too_large" | null {
	if (value.length === 0) return "empty";
	return new TextEncoder().encode(value).byteLength > MAX_SECRET_BYTES ? "too_large" : null;
}

/** One secret as the API lists it: never its value. */
export interface SecretJson {
	name: string;
	updatedAt: number;
	/**
	 * Whether it opens under the current KILN_SECRETS_KEY (decided by opening it). False when it
	 * was sealed under another key: the server runs without it until the owner sets it again.
	 */
	readable: boolean;
}

/** GET /api/projects/:project/secrets */
export interface SecretsJson {
	secrets: SecretJson[];
	/** How many a project may have (MAX_SECRETS_PER_PROJECT). */
	max: number;
}

// ------------------------------------------------------------ server logs

/** Most entries a project's log keeps (older ones are dropped first)... */
export const LOG_MAX_ENTRIES = 200;
/** ...and for at most this long. */
export const LOG_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** One line the app's server printed (`console.log`, `console.error`...), secrets redacted. */
export interface LogLineJson {
	level: string;
	message: string;
	at: number;
}

/** An error the app's server did not catch (or the Kiln shim caught for it). */
export interface LogErrorJson {
	name: string;
	message: string;
	stack: string | null;
}

/** One request to the app's server. */
export interface LogEntryJson {
	id: string;
	/** When the request reached Kiln (ms since the epoch). */
	at: number;
	method: string;
	/** The path the app saw (`/api/...`), without the query string. */
	path: string;
	/** What the client was answered; null while only the runtime's report has arrived. */
	status: number | null;
	/** Kiln's wall clock over the answer and its body; null likewise. */
	durationMs: number | null;
	/** Which version's server answered. */
	version: number | null;
	logs: LogLineJson[];
	errors: LogErrorJson[];
	/** Some output of this request was left out (too many lines or bytes). */
	truncated: boolean;
}

/** GET /api/projects/:project/logs: newest first. */
export interface LogsJson {
	entries: LogEntryJson[];
}
