/**
 * Is an IP address the public internet? Works on hosts as the WHATWG URL parser
 * leaves them (`URL.hostname`): it has already turned every IPv4 spelling
 * (2130706433, 0x7f000001, 0177.0.0.1, 127.1, full-width digits) into dotted
 * decimal and every IPv6 one into compressed hex in brackets ([::ffff:7f00:1]),
 * so only those two forms need reading here.
 */

type Range = readonly [first: bigint, prefixBits: number, what: string];

const v4 = (dotted: string, bits: number, what: string): Range => [parseIpv4(dotted) as bigint, bits, what];
const v6 = (hex: string, bits: number, what: string): Range => [parseIpv6(hex) as bigint, bits, what];

/** IPv4 blocks that are not the public internet (IANA special-purpose registry, multicast, reserved). */
const IPV4_NOT_PUBLIC: readonly Range[] = [
	// 0.0.0.0 itself reaches the local host on Linux and macOS.
	v4("0.0.0.0", 8, "a 'this network' address"),
	v4("10.0.0.0", 8, "a private address"),
	v4("100.64.0.0", 10, "a carrier-grade NAT address"),
	v4("127.0.0.0", 8, "a loopback address"),
	// Includes 169.254.169.254, the cloud providers' instance metadata service.
	v4("169.254.0.0", 16, "a link-local address"),
	v4("172.16.0.0", 12, "a private address"),
	v4("192.0.0.0", 24, "an IETF protocol address"),
	v4("192.0.2.0", 24, "a documentation address"),
	v4("192.88.99.0", 24, "a 6to4 relay address"),
	v4("192.168.0.0", 16, "a private address"),
	v4("198.18.0.0", 15, "a benchmarking address"),
	v4("198.51.100.0", 24, "a documentation address"),
	v4("203.0.113.0", 24, "a documentation address"),
	v4("224.0.0.0", 4, "a multicast address"),
	// Includes the broadcast address 255.255.255.255.
	v4("240.0.0.0", 4, "a reserved address"),
];

/** IPv6 blocks that carry an IPv4 address in their last 32 bits: judged by that address. */
const IPV6_EMBEDDING_V4: readonly Range[] = [
	v6("::ffff:0:0", 96, "IPv4-mapped"),
	// NAT64's well-known prefix: a NAT64 gateway would connect to the embedded address.
	v6("64:ff9b::", 96, "NAT64"),
];

/**
 * IPv6 outside global unicast (2000::/3) is never public; these are the
 * blocks worth naming in an error, the rest get a generic reason.
 */
const IPV6_NAMED: readonly Range[] = [
	v6("::1", 128, "the loopback address"),
	v6("::", 128, "the unspecified address"),
	// Deprecated IPv4-compatible addresses (::127.0.0.1 is written [::7f00:1]).
	v6("::", 96, "an IPv4-compatible address"),
	v6("fc00::", 7, "a unique-local address"),
	v6("fe80::", 10, "a link-local address"),
	v6("ff00::", 8, "a multicast address"),
];

/** Special blocks inside 2000::/3. */
const IPV6_GLOBAL_EXCEPTIONS: readonly Range[] = [
	// Teredo, benchmarking, ORCHID and other IETF protocol assignments.
	v6("2001::", 23, "an IETF protocol address"),
	v6("2001:db8::", 32, "a documentation address"),
	v6("3fff::", 20, "a documentation address"),
];

const GLOBAL_UNICAST = v6("2000::", 3, "global unicast");
/** 6to4 carries an IPv4 address in bits 16 to 47. */
const SIX_TO_FOUR = v6("2002::", 16, "6to4");

function inRange(address: bigint, [first, bits]: Range, width: number): boolean {
	const shift = BigInt(width - bits);
	return address >> shift === first >> shift;
}

/** Dotted decimal only (what the URL parser writes), as a number; null for anything else. */
function parseIpv4(text: string): bigint | null {
	const parts = text.split(".");
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
	return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

/**
 * Hex groups with at most one "::" (what the URL parser writes), as a number; null for anything else.
 * Also codegen's rate-limit key (an IPv6 client's /64).
 */
export function parseIpv6(text: string): bigint | null {
	const halves = text.split("::");
	if (halves.length > 2) return null;
	const groups = (s: string) => (s === "" ? [] : s.split(":"));
	const head = groups(halves[0]);
	const tail = halves.length === 2 ? groups(halves[1]) : [];
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
	const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
	if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
	return all.reduce((n, g) => (n << 16n) | BigInt(`0x${g}`), 0n);
}

function ipv4Reason(address: bigint): string | null {
	const hit = IPV4_NOT_PUBLIC.find((r) => inRange(address, r, 32));
	return hit ? hit[2] : null;
}

function ipv6Reason(address: bigint): string | null {
	for (const r of IPV6_EMBEDDING_V4) {
		if (inRange(address, r, 128)) {
			const reason = ipv4Reason(address & 0xffffffffn);
			return reason && `${r[2]}, ${reason}`;
		}
	}
	if (inRange(address, SIX_TO_FOUR, 128)) {
		const reason = ipv4Reason((address >> 80n) & 0xffffffffn);
		return reason && `6to4, ${reason}`;
	}
	if (!inRange(address, GLOBAL_UNICAST, 128)) {
		return IPV6_NAMED.find((r) => inRange(address, r, 128))?.[2] ?? "not a global unicast address";
	}
	return IPV6_GLOBAL_EXCEPTIONS.find((r) => inRange(address, r, 128))?.[2] ?? null;
}

/**
 * For a host that is an IP address: why it is not public, or null when it is.
 * `undefined` when the host is a name (names are judged elsewhere). An address
 * this cannot read counts as not public: the guard fails closed.
 *
 * @example ipAddressRefusal("[::ffff:7f00:1]") // "IPv4-mapped, a loopback address"
 */
export function ipAddressRefusal(hostname: string): string | null | undefined {
	if (hostname.startsWith("[")) {
		const address = hostname.endsWith("]") ? parseIpv6(hostname.slice(1, -1)) : null;
		return address === null ? "an IPv6 address that cannot be read" : ipv6Reason(address);
	}
	// The URL parser reads any host whose last label is numeric as IPv4 (or fails),
	// so a host of four numbers is always an address, never a name.
	const address = parseIpv4(hostname);
	return address === null ? undefined : ipv4Reason(address);
}
