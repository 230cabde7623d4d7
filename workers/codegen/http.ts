import { HttpError } from "../../src/http/errors";
import { MAX_BODY_BYTES } from "../../src/shared/api";

/**
 * Reads a request body as JSON (with `requireJsonType`, only when sent as
 * `Content-Type: application/json`), refusing more than `maxBytes` (by
 * Content-Length when given, and while reading in any case) and anything that
 * is not JSON. An empty body is `undefined` when `allowEmpty`.
 */
export async function readJson(
	request: Request,
	opts: {
		maxBytes?: number;
		allowEmpty?: boolean;
		requireJsonType?: boolean;
		tooLarge?: { code: string; message: string };
	} = {},
): Promise<unknown> {
	const max = opts.maxBytes ?? MAX_BODY_BYTES;
	// A cross-site form or a no-cors fetch can POST text/plain without asking; requiring
	// application/json makes browsers ask first (a CORS preflight, which Kiln's API refuses).
	if (opts.requireJsonType && !/^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
		throw new HttpError(415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
	}
	const tooLarge = () =>
		new HttpError(
			413,
			opts.tooLarge?.code ?? "body_too_large",
			opts.tooLarge?.message ?? `A request body is at most ${max} bytes.`,
		);
	const declared = request.headers.get("content-length");
	if (declared !== null && Number(declared) > max) throw tooLarge();
	const chunks: Uint8Array[] = [];
	let size = 0;
	if (request.body) {
		const reader = request.body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > max) {
				await reader.cancel().catch(() => {});
				throw tooLarge();
			}
			chunks.push(value);
		}
	}
	const bytes = chunks.length === 1 ? chunks[0] : new Uint8Array(size);
	if (chunks.length !== 1) {
		let at = 0;
		for (const chunk of chunks) {
			bytes.set(chunk, at);
			at += chunk.byteLength;
		}
	}
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		throw new HttpError(400, "invalid_json", "The body is not UTF-8 text.");
	}
	if (text.trim() === "") {
		if (opts.allowEmpty) return undefined;
		throw new HttpError(400, "invalid_json", "The body is empty; send a JSON object.");
	}
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
	}
}

/** Who is asking, for rate limits: the client IP Cloudflare saw. */
export function clientKey(request: Request): string {
	return request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip") ?? "unknown";
}

/** Seconds a limited client should wait: the longest period a rate-limit binding can have. */
export const RETRY_AFTER_SECONDS = 60;

/**
 * Counts one request against a Workers rate-limit binding (configured in
 * workers/codegen/wrangler.toml); throws a 429 with Retry-After when over.
 * No binding, no limit.
 */
export async function rateLimit(limiter: RateLimit | undefined, key: string, what: string): Promise<void> {
	if (!limiter) return;
	const { success } = await limiter.limit({ key });
	if (!success) {
		throw new HttpError(429, "rate_limited", `Too many ${what} from this client; try again in a minute.`, {
			"Retry-After": String(RETRY_AFTER_SECONDS),
		});
	}
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new project id: 10 random characters of a-z0-9 (about 51 bits). */
export function newProjectId(): string {
	let out = "";
	while (out.length < 10) {
		for (const b of crypto.getRandomValues(new Uint8Array(16))) {
			if (b < 252 && out.length < 10) out += ALPHABET[b % 36]; // 252 = 7 * 36: no modulo bias
		}
	}
	return out;
}

/** A new edit token: 32 random bytes, base64url, prefixed so it is recognisable in a leak scan. */
export function newEditToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return `kiln_${btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "")}`;
}

/** The bearer token of a request, or null. */
export function bearerToken(request: Request): string | null {
	const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
	return m ? m[1] : null;
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
	const enc = new TextEncoder();
	const x = enc.encode(a);
	const y = enc.encode(b);
	if (x.byteLength !== y.byteLength) return false;
	// Workers' SubtleCrypto has timingSafeEqual (the DOM typings in this repo's tsconfig do not).
	return (crypto.subtle as unknown as { timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean }).timingSafeEqual(x, y);
}
