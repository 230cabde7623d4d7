/**
 * Secrets at rest: AES-256-GCM (Web Crypto) under the key in the Worker secret
 * `KILN_SECRETS_KEY` (base64 of 32 random bytes: `openssl rand -base64 32`).
 * Each value gets a fresh 12-byte IV, and the project and name are the
 * additional data, so a ciphertext copied to another row (another project, or
 * another name) does not decrypt. D1 holds only `base64(iv || ciphertext || tag)`.
 */
import { sha256Hex } from "../../../src/shared/hash";

export interface SecretsKey {
	key: CryptoKey;
	/** A short hash of the key, for loader ids: a new key never runs in an isolate built with the old one. */
	id: string;
}

export type KeyState = { ok: true; key: SecretsKey } | { ok: false; message: string };

export const NO_KEY_MESSAGE =
	"Secrets are not available on this Kiln: its operator has not set KILN_SECRETS_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`).";
export const BAD_KEY_MESSAGE =
	"Secrets are not available on this Kiln: KILN_SECRETS_KEY is not base64 of exactly 32 bytes (make one with `openssl rand -base64 32`).";

const imported = new Map<string, Promise<KeyState>>();

/** The key from the setting, imported once per isolate; or why there is none. */
export function secretsKey(setting: string | undefined): Promise<KeyState> {
	const text = setting?.trim() ?? "";
	if (text === "") return Promise.resolve({ ok: false, message: NO_KEY_MESSAGE });
	let state = imported.get(text);
	if (!state) {
		state = importKey(text);
		imported.set(text, state);
	}
	return state;
}

async function importKey(text: string): Promise<KeyState> {
	let raw: Uint8Array;
	try {
		raw = fromBase64(text);
	} catch {
		return { ok: false, message: BAD_KEY_MESSAGE };
	}
	if (raw.byteLength !== 32) return { ok: false, message: BAD_KEY_MESSAGE };
	const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
	return { ok: true, key: { key, id: (await sha256Hex(`kiln-secrets-key:${text}`)).slice(0, 8) } };
}

const IV_BYTES = 12;

function additionalData(project: string, name: string): Uint8Array {
	return new TextEncoder().encode(`kiln-secret\0${project}\0${name}`);
}

/** `value` sealed for `project`'s secret `name`: base64 of IV, ciphertext and tag. */
export async function encryptSecret(key: SecretsKey, project: string, name: string, value: string): Promise<string> {
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const sealed = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: additionalData(project, name) },
		key.key,
		new TextEncoder().encode(value),
	);
	const out = new Uint8Array(IV_BYTES + sealed.byteLength);
	out.set(iv);
	out.set(new Uint8Array(sealed), IV_BYTES);
	return toBase64(out);
}

/** The value, or null when it does not open under this key (another key, another row, tampered). */
export async function decryptSecret(
	key: SecretsKey,
	project: string,
	name: string,
	stored: string,
): Promise<string | null> {
	try {
		const bytes = fromBase64(stored);
		const plain = await crypto.subtle.decrypt(
			{ name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: additionalData(project, name) },
			key.key,
			bytes.subarray(IV_BYTES),
		);
		return new TextDecoder().decode(plain);
	} catch {
		return null;
	}
}

function toBase64(bytes: Uint8Array): string {
	let s = "";
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s);
}

function fromBase64(text: string): Uint8Array {
	const s = atob(text);
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
	return out;
}
