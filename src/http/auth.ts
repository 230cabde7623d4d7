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
	if (!token) {
		throw new HttpError(503, "not_configured", "KILN_OPERATOR_TOKEN is not set, so no operator can be authenticated.");
	}
	const given = bearerToken(request);
	if (!given || !(await sameSecret(given, token))) {
		throw new HttpError(
			401,
			"unauthorized",
			"Send the operator token as Authorization: Bearer <KILN_OPERATOR_TOKEN>.",
			{
				"WWW-Authenticate": "Bearer",
			},
		);
	}
}
