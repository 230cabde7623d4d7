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
