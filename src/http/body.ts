import { MAX_BODY_BYTES } from "../shared/api";
import { HttpError } from "./errors";

function tooLarge(max: number, override?: { code: string; message: string }): HttpError {
	return new HttpError(
		413,
		override?.code ?? "body_too_large",
		override?.message ?? `A request body is at most ${max} bytes.`,
	);
}

/**
 * The raw body, refusing more than `maxBytes` with a 413: by Content-Length when
 * given, and while reading in any case (a chunked body declares no length).
 * The bytes are kept as sent, for signatures computed over the raw body.
 * A Response fits too (an app's answer read up to a cap).
 */
export async function readBody(
	request: Pick<Request, "headers" | "body">,
	maxBytes = MAX_BODY_BYTES,
	onTooLarge?: { code: string; message: string },
): Promise<Uint8Array> {
	const declared = request.headers.get("content-length");
	if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes, onTooLarge);
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel().catch(() => {});
			throw tooLarge(maxBytes, onTooLarge);
		}
		chunks.push(value);
	}
	if (chunks.length === 1) return chunks[0];
	const bytes = new Uint8Array(size);
	let at = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, at);
		at += chunk.byteLength;
	}
	return bytes;
}

/**
 * Bytes as JSON: 400 `invalid_json` when they are not UTF-8, empty (unless
 * `allowEmpty`, which gives `undefined`) or not JSON.
 */
export function parseJsonBytes(bytes: Uint8Array, opts: { allowEmpty?: boolean } = {}): unknown {
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		throw new HttpError(400, "invalid_json", "The body is not UTF-8 text.");
	}
	if (text.trim() === "") {
		if (opts.allowEmpty) return undefined;
		throw new HttpError(400, "invalid_json", "The body is empty; send a JSON object.");
	}
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
	}
}

/**
 * Reads a request body as JSON, at most `maxBytes` (default 1 MiB). With
 * `requireJsonType`, only when sent as `Content-Type: application/json`: a
 * cross-site form or a no-cors fetch can POST text/plain without asking, while
 * application/json makes browsers ask first (a CORS preflight).
 */
export async function readJson(
	request: Request,
	opts: {
		maxBytes?: number;
		allowEmpty?: boolean;
		requireJsonType?: boolean;
		tooLarge?: { code: string; message: string };
	} = {},
): Promise<unknown> {
	if (opts.requireJsonType && !/^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
		throw new HttpError(415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
	}
	return parseJsonBytes(await readBody(request, opts.maxBytes, opts.tooLarge), opts);
}
