// src/http/redact.ts: what may be stored or logged of text from an upstream
// (used by rootCause, the notion Worker's describeError and run notes, codegen's error log).
import { describe, expect, it } from "vitest";
import { rootCause } from "../../src/http/errors";
import { clip, redact } from "../../src/http/redact";

describe("redact", () => {
	it("cuts out Bearer and Basic values, Notion secrets, Kiln edit tokens and sk- keys", () => {
		const text = [
			"Authorization: Bearer abc.def-ghi",
			"authorization: Basic dXNlcjpwYXNz",
			"token ntn_123456789012345678901234567890abcdef",
			"old secret_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
			"edit kiln_AbCdEfGhIjKlMnOp-_",
			"key sk-ant-api03-AbCdEfGhIjKlMnOpQr",
		].join(" | ");
		expect(redact(text, { max: 1000 })).toBe(
			[
				"Authorization: Bearer [redacted]",
				"authorization: Basic [redacted]",
				"token ntn_[redacted]",
				"old secret_[redacted]",
				"edit kiln_[redacted]",
				"key sk-[redacted]",
			].join(" | "),
		);
	});

	it("leaves ordinary words alone", () => {
		const text = "API token is invalid. basic validation failed. Bearer of bad news";
		expect(redact(text)).toBe("API token is invalid. basic validation failed. Bearer [redacted] bad news");
	});

	it("cuts out the configured secrets' values, whatever their shape", () => {
		expect(
			redact("echo: my-webhook-secret-value and my-webhook-secret", {
				secrets: ["my-webhook-secret", "my-webhook-secret-value", null, undefined],
			}),
		).toBe("echo: [redacted] and [redacted]");
		// Values too short to be secrets would mangle ordinary words: they are not searched for.
		expect(redact("a short one", { secrets: ["short"] })).toBe("a short one");
	});

	it("escapes control characters, line separators and bidi overrides", () => {
		expect(redact("a\nb\r\u001b[2J\u009bc\u2028d\u202ee")).toBe("a\\u000ab\\u000d\\u001b[2J\\u009bc\\u2028d\\u202ee");
	});

	it("bounds the length, with an ellipsis, and never splits a surrogate pair", () => {
		expect(redact("x".repeat(900_000))).toHaveLength(300);
		expect(redact("x".repeat(900_000)).endsWith("…")).toBe(true);
		expect(redact("short")).toBe("short");
		expect(clip(`ab${"😀".repeat(5)}`, 4)).toBe("ab…");
	});

	it("is what rootCause logs of an error", () => {
		const err = new Error("wrapper", { cause: new Error(`upstream said Bearer sk-live-123\n${"y".repeat(1000)}`) });
		const line = rootCause(err, ["sk-live-123"]);
		expect(line).toMatch(/^Error: upstream said Bearer \[redacted\]\\u000ay+…$/);
		expect(line).toHaveLength(300);
	});
});
