// workers/codegen/rate-limit.ts: whose request it is, for the rate limits.
import { describe, expect, it } from "vitest";
import { clientKey } from "../../workers/codegen/rate-limit";

const key = (headers: Record<string, string>) => clientKey(new Request("https://kiln.test/", { headers }));

describe("clientKey", () => {
	it("is an IPv4 client's address", () => {
		expect(key({ "cf-connecting-ip": "203.0.113.7" })).toBe("203.0.113.7");
		expect(key({ "x-real-ip": "198.51.100.1" })).toBe("198.51.100.1");
		expect(key({})).toBe("unknown");
	});

	it("is an IPv6 client's /64, however the address is spelled", () => {
		for (const ip of [
			"2001:db8:1:2::1",
			"2001:0DB8:0001:0002:ffff:0:0:1",
			"2001:db8:1:2:a:b:c:d",
			" 2001:db8:1:2::9 ",
		]) {
			expect(key({ "cf-connecting-ip": ip })).toBe("2001:db8:1:2::/64");
		}
		expect(key({ "cf-connecting-ip": "2001:db8:1:3::1" })).toBe("2001:db8:1:3::/64");
		expect(key({ "cf-connecting-ip": "::1" })).toBe("0:0:0:0::/64");
	});

	it("keys an IPv4-mapped address by its IPv4 address", () => {
		expect(key({ "cf-connecting-ip": "::ffff:203.0.113.7" })).toBe("203.0.113.7");
	});

	it("keeps what it cannot read as it is, bounded", () => {
		expect(key({ "cf-connecting-ip": "fe80::1%eth0" })).toBe("fe80::1%eth0");
		expect(key({ "cf-connecting-ip": `1:${"2".repeat(200)}` })).toHaveLength(64);
	});
});
