// Which URLs the guard refuses, judged with workerd's own URL parser: every
// spelling of a non-public address, the schemes, ports and names it refuses,
// Kiln's own hosts, and the allow setting's format.
import { describe, expect, it } from "vitest";
import { checkOutboundUrl, OutboundError, parseAllowOrigins } from "../../src/outbound";

/** The refusal's message, or null when the URL is let through. */
function refusal(url: string, policy = {}): string | null {
	try {
		checkOutboundUrl(url, policy);
		return null;
	} catch (err) {
		expect(err).toBeInstanceOf(OutboundError);
		expect((err as OutboundError).code).toBe("outbound_refused");
		return (err as Error).message;
	}
}

describe("checkOutboundUrl refuses every spelling of a non-public address", () => {
	it.each([
		// Loopback, however the IPv4 address is written (the URL parser reads each as 127.0.0.1).
		["http://127.0.0.1/", "loopback"],
		["http://127.255.255.254:8080/x", "loopback"],
		["http://2130706433/", "loopback"],
		["http://0x7f000001/", "loopback"],
		["http://0177.0.0.1/", "loopback"],
		["http://0x7f.1/", "loopback"],
		["http://127.1/", "loopback"],
		["http://127.0.0.1./", "loopback"],
		["http://%31%32%37.0.0.1/", "loopback"],
		["http://１２７.０.０.１/", "loopback"],
		["HTTP://127.0.0.1:8787/api", "loopback"],
		// Private, link-local (metadata), CGNAT, this-network, multicast, reserved.
		["http://10.0.0.1/", "private"],
		["http://172.16.0.1/", "private"],
		["http://172.31.255.255/", "private"],
		["http://192.168.1.1/", "private"],
		["http://169.254.169.254/latest/meta-data/", "link-local"],
		["http://0xa9fea9fe/", "link-local"],
		["http://100.64.0.1/", "carrier-grade NAT"],
		["http://100.127.255.255/", "carrier-grade NAT"],
		["http://0.0.0.0/", "this network"],
		["http://0/", "this network"],
		["http://224.0.0.1/", "multicast"],
		["http://240.0.0.1/", "reserved"],
		["http://255.255.255.255/", "reserved"],
		["http://198.18.0.1/", "benchmarking"],
		["http://192.0.2.1/", "documentation"],
		// IPv6, and IPv4 inside IPv6 in both dotted and hex forms.
		["http://[::1]/", "loopback"],
		["http://[0:0:0:0:0:0:0:1]:8080/", "loopback"],
		["http://[::]/", "unspecified"],
		["http://[::ffff:127.0.0.1]/", "IPv4-mapped, a loopback"],
		["http://[::ffff:7f00:1]/", "IPv4-mapped, a loopback"],
		["http://[0:0:0:0:0:ffff:127.0.0.1]/", "IPv4-mapped, a loopback"],
		["http://[::ffff:169.254.169.254]/", "IPv4-mapped, a link-local"],
		["http://[::ffff:a00:1]/", "IPv4-mapped, a private"],
		["http://[::127.0.0.1]/", "IPv4-compatible"],
		["http://[fc00::1]/", "unique-local"],
		["http://[fd12:3456:789a::1]/", "unique-local"],
		["http://[fe80::1]/", "link-local"],
		["http://[ff02::1]/", "multicast"],
		["http://[64:ff9b::10.0.0.1]/", "NAT64, a private"],
		["http://[64:ff9b::7f00:1]/", "NAT64, a loopback"],
		["http://[2002:7f00:1::]/", "6to4, a loopback"],
		["http://[2001:db8::1]/", "documentation"],
		["http://[2001::1]/", "IETF protocol"],
		["http://[100::1]/", "not a global unicast"],
	])("%s", (url, why) => {
		expect(refusal(url)).toContain(why);
	});
});

describe("checkOutboundUrl refuses local names", () => {
	it.each([
		"http://localhost/",
		"http://LOCALHOST./",
		"http://ｌｏｃａｌｈｏｓｔ/",
		"http://%6c%6f%63%61%6c%68%6f%73%74/",
		"http://abc123.localhost:8787/",
		"http://a.b.localhost./",
		"http://printer.local/",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://router.home.arpa/",
	])("%s", (url) => {
		expect(refusal(url)).toContain("a local name");
	});
	it("refuses a single-label name, which search domains turn into an intranet host", () => {
		expect(refusal("http://intranet/")).toContain("single-label");
		expect(refusal("http://metadata./")).toContain("single-label");
	});
});

describe("checkOutboundUrl lets public addresses and names through", () => {
	it.each([
		"https://example.com/",
		"https://example.com:8443/x?y=1",
		"http://8.8.8.8/",
		"http://172.32.0.1/",
		"http://100.128.0.1/",
		"http://169.253.255.255/",
		"http://[2606:4700:4700::1111]/",
		"http://[::ffff:8.8.8.8]/",
		"http://[64:ff9b::8.8.8.8]/",
		"http://[2002:808:808::]/",
		"https://localhost.example.com/",
		"https://notlocal.example/",
	])("%s", (url) => {
		expect(refusal(url)).toBeNull();
	});
	it("returns the parsed URL", () => {
		expect(checkOutboundUrl("HTTPS://Example.COM:443/a").href).toBe("https://example.com/a");
	});
});

describe("checkOutboundUrl refuses other schemes, credentials and bad ports", () => {
	it.each([
		"ftp://example.com/",
		"file:///etc/passwd",
		"data:text/html,hi",
		"javascript:alert(1)",
		"ws://example.com/",
		"blob:https://example.com/1",
	])("%s", (url) => {
		expect(refusal(url)).toContain("only http and https");
	});
	it("refuses what is not an absolute URL", () => {
		expect(refusal("example.com")).toContain("not an absolute URL");
		expect(refusal("")).toContain("not an absolute URL");
	});
	it("refuses URLs with credentials", () => {
		expect(refusal("https://user:pw@example.com/")).toContain("credentials");
	});
	it("refuses the Fetch standard's bad ports and allows other ports", () => {
		for (const port of [0, 22, 25, 6667]) expect(refusal(`http://example.com:${port}/`)).toContain(`port ${port}`);
		for (const port of [80, 443, 3000, 8080, 8443]) expect(refusal(`https://example.com:${port}/`)).toBeNull();
	});
});

describe("checkOutboundUrl refuses Kiln's own hosts", () => {
	const policy = { refuseHosts: ["Kiln.Example.com", "*.apps.example.com"] };
	it("refuses the host exactly and a suffix entry's subdomains", () => {
		expect(refusal("https://kiln.example.com/api/projects", policy)).toContain("Kiln's own hosts");
		expect(refusal("https://KILN.example.com./", policy)).toContain("Kiln's own hosts");
		expect(refusal("https://abc123.apps.example.com/", policy)).toContain("Kiln's own hosts");
		expect(refusal("https://x.y.apps.example.com:8443/", policy)).toContain("Kiln's own hosts");
	});
	it("lets look-alikes through", () => {
		for (const url of [
			"https://www.kiln.example.com/",
			"https://kiln.example.com.evil.example/",
			"https://apps.example.com/",
			"https://myapps.example.com/",
		]) {
			expect(refusal(url, policy)).toBeNull();
		}
	});
});

describe("allowOrigins", () => {
	const allowOrigins = parseAllowOrigins("http://127.0.0.1:4100");
	it("lets an exact origin through, whatever its address", () => {
		expect(refusal("http://127.0.0.1:4100/admin", { allowOrigins })).toBeNull();
	});
	it("does not let the same host on another port, scheme or spelling through", () => {
		for (const url of [
			"http://127.0.0.1:4101/",
			"http://127.0.0.1/",
			"https://127.0.0.1:4100/",
			"http://localhost:4100/",
			"http://[::1]:4100/",
		]) {
			expect(refusal(url, { allowOrigins })).not.toBeNull();
		}
	});
	it("still refuses other schemes and credentials on an allowed origin", () => {
		expect(refusal("http://u:p@127.0.0.1:4100/", { allowOrigins })).toContain("credentials");
	});
});

describe("parseAllowOrigins (the OUTBOUND_ALLOW_ORIGINS setting)", () => {
	it("reads comma-separated origins, normalised as the URL parser writes them", () => {
		expect(parseAllowOrigins(" http://127.0.0.1:4100 , HTTPS://Example.com:443/,http://[::1]:80 ,")).toEqual([
			"http://127.0.0.1:4100",
			"https://example.com",
			"http://[::1]",
		]);
		expect(parseAllowOrigins(undefined)).toEqual([]);
		expect(parseAllowOrigins("")).toEqual([]);
	});
	it.each([
		"*",
		"http://*.example.com",
		"http://127.0.0.1:4100/admin",
		"http://127.0.0.1:4100/?q",
		"http://u:p@127.0.0.1:4100",
		"ftp://127.0.0.1",
		"127.0.0.1:4100",
	])("refuses %s rather than guess", (entry) => {
		expect(() => parseAllowOrigins(`http://127.0.0.1:4000,${entry}`)).toThrow(/OUTBOUND_ALLOW_ORIGINS/);
	});
});
