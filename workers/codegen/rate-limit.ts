import { HttpError } from "../../src/http/errors";
import { parseIpv6 } from "../../src/outbound/address";

/**
 * Who is asking, for rate limits: the client IP Cloudflare saw. An IPv6 client
 * is keyed by its /64, the block one subscriber gets: keyed by the whole
 * address, one machine could take a fresh key for every request.
 */
export function clientKey(request: Request): string {
	const ip = (request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip") ?? "").trim();
	if (!ip) return "unknown";
	return ip.includes(":") ? ipv6Key(ip) : ip;
}

/**
 * `2001:db8:1:2::/64` for any address in that /64; an IPv4-mapped address is its
 * IPv4 address. The URL parser first writes any spelling (leading zeros, upper
 * case, an embedded dotted quad) in one canonical form. Unreadable: the text itself, bounded.
 */
function ipv6Key(ip: string): string {
	let address: bigint | null = null;
	try {
		address = parseIpv6(new URL(`http://[${ip}]/`).hostname.slice(1, -1));
	} catch {}
	if (address === null) return ip.slice(0, 64);
	if (address >> 32n === 0xffffn) {
		return [24n, 16n, 8n, 0n].map((s) => String((address >> s) & 0xffn)).join(".");
	}
	const groups = [112n, 96n, 80n, 64n].map((s) => ((address >> s) & 0xffffn).toString(16));
	return `${groups.join(":")}::/64`;
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
