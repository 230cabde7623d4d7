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
