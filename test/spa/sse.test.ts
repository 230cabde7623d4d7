/**
 * readSse (src/spa/lib/sse.ts): Server-Sent Events from a fetch body, as the
 * WHATWG parsing rules say, however the bytes happen to be split.
 */
import { describe, expect, it } from "vitest";
import { readSse, type SseMessage } from "../../src/spa/lib/sse";

/** A body that delivers these pieces one read at a time. */
function body(...pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
	const enc = new TextEncoder();
	return new ReadableStream({
		start(controller) {
			for (const p of pieces) controller.enqueue(typeof p === "string" ? enc.encode(p) : p);
			controller.close();
		},
	});
}

async function all(stream: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<SseMessage[]> {
	const out: SseMessage[] = [];
	for await (const m of readSse(stream, signal)) out.push(m);
	return out;
}

describe("readSse", () => {
	it("reads named events and defaults the name to message", async () => {
		expect(await all(body('event: start\ndata: {"project":"abc"}\n\n', "data: plain\n\n"))).toEqual([
			{ event: "start", data: '{"project":"abc"}' },
			{ event: "message", data: "plain" },
		]);
	});

	it("joins data lines with newlines, ignores comments and unknown fields", async () => {
		expect(
			await all(body(": keep-alive\n", "id: 7\nretry: 10\nevent: delta\ndata: a\ndata:  b\nfoo: bar\n\n")),
		).toEqual([{ event: "delta", data: "a\n b" }]);
	});

	it("does not care where the bytes are split: mid-line, mid-field, mid-character", async () => {
		const euro = new TextEncoder().encode("€"); // three bytes
		const stream = body("ev", "ent: del", "ta\nda", "ta: 5", euro.slice(0, 1), euro.slice(1), "\n", "\n");
		expect(await all(stream)).toEqual([{ event: "delta", data: "5€" }]);
	});

	it("accepts CRLF and lone CR line endings, even with CR and LF in separate reads", async () => {
		expect(await all(body("event: a\r\ndata: 1\r", "\n\r\n", "event: b\rdata: 2\r\r"))).toEqual([
			{ event: "a", data: "1" },
			{ event: "b", data: "2" },
		]);
	});

	it("drops a last event cut off before its blank line (it may be truncated)", async () => {
		expect(await all(body('event: done\ndata: {}\n\nevent: done\ndata: {"cut'))).toEqual([
			{ event: "done", data: "{}" },
		]);
	});

	it("ends quietly when stopped", async () => {
		const abort = new AbortController();
		const never = new ReadableStream<Uint8Array>({
			start(c) {
				c.enqueue(new TextEncoder().encode("event: start\ndata: x\n\n"));
			},
		});
		const seen: SseMessage[] = [];
		for await (const m of readSse(never, abort.signal)) {
			seen.push(m);
			abort.abort();
		}
		expect(seen).toEqual([{ event: "start", data: "x" }]);
	});
});
