import type { GenerateEvent } from "../../src/shared/api";

/**
 * A Server-Sent Events response whose events are written as they happen.
 * `gone` aborts the moment the client stops reading (it closed the tab,
 * pressed Stop, lost its connection): the generation is then cancelled and
 * nothing is stored, which is what the client was told.
 */
export function sseStream() {
	const encoder = new TextEncoder();
	const gone = new AbortController();
	let out: ReadableStreamDefaultController<Uint8Array>;
	let open = true;
	const readable = new ReadableStream<Uint8Array>({
		start(controller) {
			out = controller;
		},
		cancel() {
			open = false;
			gone.abort(new Error("the client went away"));
		},
	});
	return {
		response: new Response(readable, {
			headers: {
				"Content-Type": "text/event-stream; charset=utf-8",
				// no-transform: proxies (and Cloudflare) must not buffer or compress the stream.
				"Cache-Control": "no-cache, no-transform",
				"X-Accel-Buffering": "no",
			},
		}),
		gone: gone.signal,
		send(event: GenerateEvent) {
			if (!open) return;
			// Events are small and the model's pace bounds them: no backpressure to wait for.
			out.enqueue(encoder.encode(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`));
		},
		close() {
			if (!open) return;
			open = false;
			out.close();
		},
	};
}
