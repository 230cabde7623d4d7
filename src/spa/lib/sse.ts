/**
 * Server-Sent Events from a fetch() body (EventSource cannot POST), parsed by
 * eventsource-parser: the WHATWG rules (fields, multi-line data, comments,
 * \n, \r\n or \r line ends split anywhere), so this module only feeds it. As
 * the standard says, an event cut off before its blank line is dropped: it
 * may be truncated.
 */
import { createParser } from "eventsource-parser";

export interface SseMessage {
	/** The event's name; "message" when the server named none. */
	event: string;
	data: string;
}

export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseMessage> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	const ready: SseMessage[] = [];
	const parser = createParser({ onEvent: (m) => ready.push({ event: m.event || "message", data: m.data }) });
	const onAbort = () => reader.cancel().catch(() => {});
	signal?.addEventListener("abort", onAbort, { once: true });
	try {
		while (true) {
			const { value, done } = await reader.read();
			// At the end, one "\n" settles a last lone "\r" (the parser waits to see if "\n" follows)
			// and completes nothing else: an event still needs its blank line.
			parser.feed(done ? `${decoder.decode()}\n` : decoder.decode(value, { stream: true }));
			yield* ready.splice(0);
			if (done) return;
		}
	} finally {
		signal?.removeEventListener("abort", onAbort);
		reader.releaseLock();
	}
}
