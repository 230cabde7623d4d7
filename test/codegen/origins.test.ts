import { describe, expect, it } from "vitest";
import { projectFromHost, projectOrigin } from "../../src/shared/api";

describe("projectFromHost", () => {
	it("reads <project>.localhost[:port] when no pattern is set", () => {
		expect(projectFromHost("abc123.localhost:8787", undefined)).toBe("abc123");
		expect(projectFromHost("ABC123.LOCALHOST", undefined)).toBe("abc123");
		expect(projectFromHost("localhost:8787", undefined)).toBeNull();
		expect(projectFromHost("ab.localhost:8787", undefined)).toBeNull(); // too short for a project id
		expect(projectFromHost("a-b-c.localhost", undefined)).toBeNull();
		expect(projectFromHost("abc123.localhost.evil.example", undefined)).toBeNull();
		expect(projectFromHost("x.abc123.localhost", undefined)).toBeNull();
		expect(projectFromHost(null, undefined)).toBeNull();
	});

	it("reads the label of a configured wildcard origin, and nothing else", () => {
		const p = "https://*.apps.example.com";
		expect(projectFromHost("abc123.apps.example.com", p)).toBe("abc123");
		expect(projectFromHost("abc123.localhost:8787", p)).toBeNull();
		expect(projectFromHost("apps.example.com", p)).toBeNull();
		expect(projectFromHost("x.abc123.apps.example.com", p)).toBeNull();
		expect(projectFromHost("abc123.apps.example.com.evil.example", p)).toBeNull();
		expect(projectFromHost("abc123.apps.example.com:8443", "https://*.apps.example.com:8443")).toBe("abc123");
		expect(projectFromHost("abc123.localhost", "off")).toBeNull();
		expect(projectFromHost("abc123.apps.example.com", "not a pattern")).toBeNull();
	});
});

describe("projectOrigin", () => {
	it("derives <project>.localhost from a localhost request, keeping scheme and port", () => {
		expect(projectOrigin("abc123", "http://localhost:8787/api/projects/abc123", undefined)).toBe(
			"http://abc123.localhost:8787",
		);
		expect(projectOrigin("abc123", "http://localhost/x", undefined)).toBe("http://abc123.localhost");
		expect(projectOrigin("abc123", "https://kiln.example.com/x", undefined)).toBeNull();
		expect(projectOrigin("abc123", "http://127.0.0.1:8787/x", undefined)).toBeNull();
	});

	it("fills a configured pattern, and `off` turns it off", () => {
		expect(projectOrigin("abc123", "https://kiln.example.com/x", "https://*.apps.example.com")).toBe(
			"https://abc123.apps.example.com",
		);
		expect(projectOrigin("abc123", "http://localhost:8787/x", "off")).toBeNull();
	});
});
