import { HttpError } from "../../src/http/errors";

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
