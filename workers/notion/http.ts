/** Request checks shared by the notion Worker's routes. */
import type { Context } from "hono";
import { HttpError } from "../../src/http/errors";
import { MAX_BODY_BYTES } from "../../src/shared/api";

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
	const enc = new TextEncoder();
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", enc.encode(given)),
		crypto.subtle.digest("SHA-256", enc.encode(expected)),
	]);
	// Every byte is compared whatever the earlier ones were.
	const x = new Uint8Array(a);
	const y = new Uint8Array(b);
	let diff = 0;
	for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
	return diff === 0;
}

/**
 * Requires `Authorization: Bearer <NOTION_WEBHOOK_SECRET>`. Throws 503 when
 * the secret is not configured (nothing could pass) and 401 otherwise.
 */
export async function requireSecret(c: Context, secret: string | null): Promise<void> {
	if (!secret) {
		throw new HttpError(503, "not_configured", "NOTION_WEBHOOK_SECRET is not set, so no request can be authenticated.");
	}
	const header = c.req.header("authorization") ?? "";
	const m = /^Bearer\s+(.+)$/i.exec(header.trim());
	if (!m || !(await sameSecret(m[1], secret))) {
		throw new HttpError(
			401,
			"unauthorized",
			"Send the shared secret as Authorization: Bearer <NOTION_WEBHOOK_SECRET>.",
			{
				"WWW-Authenticate": "Bearer",
			},
		);
	}
}

const tooLarge = () => new HttpError(413, "payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);

/** The raw body, refusing more than MAX_BODY_BYTES (declared or actually sent). */
export async function readRawBody(req: Request): Promise<Uint8Array> {
	const declared = Number(req.headers.get("content-length") ?? "0");
	if (declared > MAX_BODY_BYTES) throw tooLarge();
	if (!req.body) return new Uint8Array();
	const reader = req.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			await reader.cancel();
			throw tooLarge();
		}
		chunks.push(value);
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}

/** The body parsed as JSON (400 when it is not UTF-8 JSON). */
export function parseJson(raw: Uint8Array): unknown {
	try {
		return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
	} catch {
		throw new HttpError(400, "invalid_json", "The body is not JSON.");
	}
}

/** A zod error as one readable line: "data.id: must be a Notion id (a UUID)". */
export function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
	return issues
		.slice(0, 3)
		.map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`)
		.join("; ");
}
