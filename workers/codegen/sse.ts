import type { GenerateEvent } from "../../src/shared/api";

/**
 * A Server-Sent Events response whose events are written as they happen.
 * Writes after the client went away are dropped silently: the generation
 * carries on and is stored anyway.
 */
export function sseStream() {
	const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
	const writer = writable.getWriter();
	const encoder = new TextEncoder();
	let open = true;
	const write = (chunk: string) => {
		if (!open) return;
		writer.write(encoder.encode(chunk)).catch(() => {
			open = false;
		});
	};
	return {
		response: new Response(readable, {
			headers: {
				"Content-Type": "text/event-stream; charset=utf-8",
				// no-transform: proxies (and Cloudflare) must not buffer or compress the stream.
				"Cache-Control": "no-cache, no-transform",
				"X-Accel-Buffering": "no",
			},
		}),
		send(event: GenerateEvent) {
			write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
		},
		async close() {
			if (!open) return;
			open = false;
			await writer.close().catch(() => {});
		},
	};
}
