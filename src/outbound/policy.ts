/**
 * Which URLs the outbound guard may fetch: the check every hop goes through.
 */
import { ipAddressRefusal } from "./address";
import { OutboundError } from "./errors";

export interface OutboundPolicy {
	/**
	 * Exact origins fetched whatever their address: tests' and local fakes on
	 * loopback (the `OUTBOUND_ALLOW_ORIGINS` setting, read with `parseAllowOrigins`).
	 * Scheme, host and port must all match; there are no wildcards.
	 */
	allowOrigins?: readonly string[];
	/**
	 * Hosts refused although public: Kiln's own (`kiln.example.com`, that host
	 * only) and its project origins (`*.apps.example.com`, every host under it).
	 */
	refuseHosts?: readonly string[];
}

/**
 * Ports no browser fetches either (the Fetch standard's "bad ports", plus 0):
 * SMTP, SSH, IRC and the like, which an HTTP request can be shaped to talk to.
 * Every other port is allowed: the line the guard holds is the address, and a
 * public host is as public on :8080 as on :443.
 */
const BAD_PORTS = new Set([
	0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
	111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
	540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
	6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * Names that never mean a public site: localhost (RFC 6761), mDNS `.local`,
 * `.home.arpa` (home networks) and `.internal` (private use, e.g.
 * metadata.google.internal).
 */
const PRIVATE_NAME_SUFFIXES = ["localhost", "local", "home.arpa", "internal"];

/** Why a host name (not an address) is refused, or null. */
function nameRefusal(host: string, refuseHosts: readonly string[]): string | null {
	const name = host.replace(/\.$/, "");
	if (PRIVATE_NAME_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`))) return "a local name";
	// A name without a dot is completed by the resolver's search domains into
	// an intranet host (http://router/, http://metadata/).
	if (!name.includes(".")) return "a single-label name";
	for (const entry of refuseHosts) {
		const suffix = entry.startsWith("*.") ? entry.slice(1) : null;
		if (suffix ? name.endsWith(suffix) : name === entry) return "one of Kiln's own hosts";
	}
	return null;
}

/** A refuseHosts entry the way the URL parser writes hosts (lower case, punycode, no trailing dot). */
function normalHost(entry: string): string {
	const wildcard = entry.startsWith("*.");
	const host = new URL(`http://${wildcard ? entry.slice(2) : entry}`).hostname.replace(/\.$/, "");
	return wildcard ? `*.${host}` : host;
}

/**
 * The URL, when the guard may fetch it; otherwise an `outbound_refused` error
 * saying why. Parsing is the platform's URL parser, so every spelling of an
 * address is judged by the address it means.
 *
 * @example checkOutboundUrl("http://127.1/") // throws: 127.0.0.1 is a loopback address
 */
export function checkOutboundUrl(raw: string | URL, policy: OutboundPolicy = {}): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new OutboundError("outbound_refused", "Refused: not an absolute URL.");
	}
	const refuse = (why: string) => {
		throw new OutboundError("outbound_refused", `Refused ${url.origin}: ${why}.`);
	};
	if (url.protocol !== "http:" && url.protocol !== "https:") {
		throw new OutboundError("outbound_refused", `Refused a ${url.protocol} URL: only http and https are fetched.`);
	}
	if (url.username || url.password) refuse("URLs with credentials are not fetched");
	if (policy.allowOrigins?.includes(url.origin)) return url;
	if (url.port && BAD_PORTS.has(Number(url.port))) refuse(`port ${url.port} is not fetched`);
	const host = url.hostname;
	const ip = ipAddressRefusal(host);
	const why = ip === undefined ? nameRefusal(host, (policy.refuseHosts ?? []).map(normalHost)) : ip;
	if (why) refuse(`${host} is ${why}`);
	return url;
}

/**
 * The `OUTBOUND_ALLOW_ORIGINS` setting: comma-separated origins such as
 * `http://127.0.0.1:8788`, each normalised as the URL parser writes origins.
 * Throws on anything that is not a plain http(s) origin (a path, a wildcard),
 * so that a typo is an error rather than a silently wider or narrower list.
 */
export function parseAllowOrigins(raw: string | undefined): string[] {
	const origins: string[] = [];
	for (const entry of (raw ?? "").split(",")) {
		const text = entry.trim();
		if (!text) continue;
		let url: URL | null = null;
		try {
			url = new URL(text);
		} catch {}
		const plain =
			url &&
			!text.includes("*") &&
			(url.protocol === "http:" || url.protocol === "https:") &&
			!url.username &&
			!url.password &&
			url.pathname === "/" &&
			!url.search &&
			!url.hash;
		if (!url || !plain) {
			throw new Error(`OUTBOUND_ALLOW_ORIGINS: "${text}" is not an origin like http://127.0.0.1:8788.`);
		}
		origins.push(url.origin);
	}
	return origins;
}
