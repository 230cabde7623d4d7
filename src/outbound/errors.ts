/**
 * Why the outbound guard did not deliver a response. Callers map the code to
 * their own answer (a JSON error, an `ignored` note); the message names at most
 * the origin, never the path or query, which may carry a secret.
 */
export type OutboundErrorCode =
	/** The URL (or a redirect's) is not a public http(s) address this guard may fetch. */
	| "outbound_refused"
	/** The wall clock ran out: connecting, waiting for headers, or reading the body. */
	| "outbound_timeout"
	/** The body grew past the size cap while being read. */
	| "outbound_too_large"
	/** More redirects than allowed. */
	| "outbound_too_many_redirects"
	/** The peer could not be reached or broke off (network error, bad redirect). */
	| "outbound_failed";

/**
 * @example if (err instanceof OutboundError && err.code === "outbound_refused") throw new HttpError(403, err.code, err.message)
 */
export class OutboundError extends Error {
	override name = "OutboundError";
	constructor(
		readonly code: OutboundErrorCode,
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}
