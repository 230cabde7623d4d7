import { HttpError } from "./errors";

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(request: Request): string | null {
	const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
	return m ? m[1] : null;
}

/**
 * Compares two secrets (or digests) in constant time: both are hashed first,
 * so neither their lengths nor their first differing byte show in the timing.
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
	const enc = new TextEncoder();
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", enc.encode(given)),
		crypto.subtle.digest("SHA-256", enc.encode(expected)),
	]);
	const x = new Uint8Array(a);
	const y = new Uint8Array(b);
	let diff = 0;
	for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
	return diff === 0;
}

/**
 * Requires `Authorization: Bearer <KILN_OPERATOR_TOKEN>`: the one credential of
 * the person running Kiln, for what only they may read or do (the Notion event
 * log and its pending verification token; later the consoles and takedown).
 * It is never a secret that is also handed to someone else (the webhook secret
 * is pasted into every Notion automation), and only the Authorization header
 * carries it. 503 when no token is configured (nothing could pass), 401 otherwise.
 */
export async function requireOperator(request: Request, token: string | null | undefined): Promise<void> {
	await requireSecretValue(bearerToken(request), token, {
		setting: "KILN_OPERATOR_TOKEN",
		hint: "Send the operator token as Authorization: Bearer <KILN_OPERATOR_TOKEN>.",
	});
}

/**
 * The check behind every shared secret: 503 `not_configured` when `expected`
 * is unset (nothing could pass), 401 `unauthorized` (with `hint`) unless
 * `given` equals it, compared in constant time.
 */
export async function requireSecretValue(
	given: string | null,
	expected: string | null | undefined,
	names: { setting: string; hint: string },
): Promise<void> {
	if (!expected) {
		throw new HttpError(503, "not_configured", `${names.setting} is not set, so no request can be authenticated.`);
	}
	if (!given || !(await sameSecret(given, expected))) {
		throw new HttpError(401, "unauthorized", names.hint, { "WWW-Authenticate": "Bearer" });
	}
}
