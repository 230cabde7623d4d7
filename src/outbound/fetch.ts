/**
 * `fetch` through the guard: every hop checked, redirects followed here, one
 * wall clock for the whole exchange, and a body that cannot grow past a cap.
 */
import { OutboundError } from "./errors";
import { checkOutboundUrl, type OutboundPolicy } from "./policy";

export interface OutboundOptions extends OutboundPolicy {
	/** Wall clock for everything: each hop, the headers and reading the body (default 10 s). */
	timeoutMs?: number;
	/** Most bytes the body may have, counted as read, after decompression (default 5 MiB). */
	maxBytes?: number;
	/** Most redirects followed (default 5). */
	maxRedirects?: number;
}

export const OUTBOUND_DEFAULTS = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 } as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Not sent to another origin by a redirect (as browsers drop Authorization). */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];
/** Dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/** A promise that rejects when the signal aborts (for racing reads the platform may not cut). */
function aborted(signal: AbortSignal): Promise<never> {
	return new Promise((_, reject) => {
		const fail = () => reject(signal.reason);
		if (signal.aborted) fail();
		else signal.addEventListener("abort", fail, { once: true });
	});
}

/** What a failed fetch or read means, given who aborted. */
function failure(err: unknown, deadline: AbortSignal, caller: AbortSignal | null, timeoutMs: number): unknown {
	if (err instanceof OutboundError) return err;
	if (caller?.aborted) return caller.reason;
	if (deadline.aborted) return new OutboundError("outbound_timeout", `No complete answer within ${timeoutMs} ms.`);
	return new OutboundError("outbound_failed", "The site could not be reached.", { cause: err });
}

/** The body, read through a byte counter and the deadline. */
function guardedBody(
	body: ReadableStream<Uint8Array>,
	maxBytes: number,
	stop: Promise<never>,
	fail: (err: unknown) => unknown,
): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	let seen = 0;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await Promise.race([reader.read(), stop]);
				if (done) return controller.close();
				seen += value.byteLength;
				if (seen > maxBytes) throw new OutboundError("outbound_too_large", `The answer is over ${maxBytes} bytes.`);
				controller.enqueue(value);
			} catch (err) {
				reader.cancel().catch(() => {});
				controller.error(fail(err));
			}
		},
		cancel(reason) {
			return reader.cancel(reason);
		},
	});
}

/**
 * Like `fetch`, for URLs that come from users, web pages or generated apps.
 * Redirects are always followed here, at most `maxRedirects`, each target
 * checked like the first; 301/302 after a POST and 303 become a GET without a
 * body, and Authorization and Cookie are not sent to another origin. The
 * answer's `url` is the last hop's. Rejects with an `OutboundError` (see its
 * codes), or with the caller's abort reason when `init.signal` aborts.
 *
 * @example
 * const res = await outboundFetch("https://example.com/", { headers: { accept: "text/html" } }, { timeoutMs: 3000 });
 * const html = await res.text(); // rejects with outbound_too_large past maxBytes
 */
export async function outboundFetch(
	input: string | URL | Request,
	init: RequestInit = {},
	options: OutboundOptions = {},
): Promise<Response> {
	const timeoutMs = options.timeoutMs ?? OUTBOUND_DEFAULTS.timeoutMs;
	const maxBytes = options.maxBytes ?? OUTBOUND_DEFAULTS.maxBytes;
	const maxRedirects = options.maxRedirects ?? OUTBOUND_DEFAULTS.maxRedirects;
	let url = checkOutboundUrl(input instanceof Request ? input.url : input, options);
	const first = input instanceof Request ? new Request(input, init) : new Request(url, init);
	const caller = init.signal ?? null;
	const deadline = AbortSignal.timeout(timeoutMs);
	const signal = caller ? AbortSignal.any([caller, deadline]) : deadline;
	const stop = aborted(signal);
	stop.catch(() => {});
	const fail = (err: unknown) => failure(err, deadline, caller, timeoutMs);

	let method = first.method;
	const headers = new Headers(first.headers);
	// Read once (within the wall clock) so that a 307/308 can send it again.
	let body: ArrayBuffer | null = null;
	try {
		if (first.body) body = await Promise.race([first.arrayBuffer(), stop]);
	} catch (err) {
		throw fail(err);
	}
	for (let hop = 0; ; hop++) {
		let res: Response;
		try {
			res = await Promise.race([fetch(url, { method, headers, body, redirect: "manual", signal }), stop]);
		} catch (err) {
			throw fail(err);
		}
		const location = res.headers.get("location");
		if (!REDIRECTS.has(res.status) || location === null) {
			const guarded = new Response(res.body && guardedBody(res.body, maxBytes, stop, fail), {
				status: res.status,
				statusText: res.statusText,
				headers: res.headers,
			});
			// A Response built here has no url of its own; callers resolve links against it.
			Object.defineProperties(guarded, { url: { value: url.href }, redirected: { value: hop > 0 } });
			return guarded;
		}
		await res.body?.cancel();
		if (hop >= maxRedirects) {
			throw new OutboundError("outbound_too_many_redirects", `More than ${maxRedirects} redirects from ${url.origin}.`);
		}
		let next: URL;
		try {
			next = new URL(location, url);
		} catch {
			throw new OutboundError("outbound_failed", `${url.origin} redirected to something that is not a URL.`);
		}
		next = checkOutboundUrl(next, options);
		if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) headers.delete(h);
		if (res.status === 303 ? method !== "HEAD" : (res.status === 301 || res.status === 302) && method === "POST") {
			method = "GET";
			body = null;
			for (const h of BODY_HEADERS) headers.delete(h);
		}
		url = next;
	}
}
