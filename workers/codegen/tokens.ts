/** The random identifiers Kiln hands out: project ids and edit tokens. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new project id: 10 random characters of a-z0-9 (about 51 bits). */
export function newProjectId(): string {
	let out = "";
	while (out.length < 10) {
		for (const b of crypto.getRandomValues(new Uint8Array(16))) {
			if (b < 252 && out.length < 10) out += ALPHABET[b % 36]; // 252 = 7 * 36: no modulo bias
		}
	}
	return out;
}

/** A new edit token: 32 random bytes, base64url, prefixed so it is recognisable in a leak scan. */
export function newEditToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return `kiln_${btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "")}`;
}
