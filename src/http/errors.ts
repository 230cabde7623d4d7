import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { redact } from "./redact";

/** The one error shape every Kiln Worker answers with. */
export interface ErrorBody {
	error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
	return { error: { code, message } };
}

/**
 * An error meant for the client: thrown anywhere in a handler, it becomes a
 * JSON answer with this status, code and message.
 *
 * @example throw new HttpError(404, "project_not_found", `No project "${id}".`)
 */
export class HttpError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = "HttpError";
	}
}

export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
	return c.json(errorBody(code, message), status);
}

/** What a client is told about a failure on our side: nothing internal. */
export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Try again later.";

/**
 * What may be logged of an error: its innermost cause, as `name: message`, cut
 * short. Drizzle's own message carries the query and its parameters (prompts,
 * code, documents, payloads), which must stay out of logs; an upstream's
 * message may quote the credentials it was sent, so tokens and the given
 * `secrets` are redacted (see redact.ts).
 */
export function rootCause(err: unknown, secrets?: readonly (string | null | undefined)[]): string {
	let e = err;
	while (e instanceof Error && e.cause instanceof Error) e = e.cause;
	return redact(e instanceof Error ? `${e.name}: ${e.message}` : String(e), { secrets });
}

/**
 * Hono `onError`: HttpErrors become their JSON answer; anything else is logged
 * (its root cause only, so request data never reaches the logs) and answered
 * as a JSON 500 with no stack trace and no internal detail.
 */
export const onError: ErrorHandler = (err, c) => {
	if (err instanceof HttpError) {
		for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
		return jsonError(c, err.status, err.code, err.message);
	}
	console.error(`unhandled ${c.req.method} ${new URL(c.req.url).pathname}: ${rootCause(err)}`);
	return jsonError(c, 500, "internal_error", INTERNAL_ERROR_MESSAGE);
};

export const notFound: NotFoundHandler = (c) =>
	jsonError(c, 404, "not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`);

/** A zod error as one readable line: "data.id: must be a Notion id (a UUID)". */
export function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
	return issues
		.slice(0, 3)
		.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`)
		.join("; ");
}
