/**
 * A Server-Sent Events reader for a fetch() body (EventSource cannot POST).
 * Follows the WHATWG parsing rules that matter here: `event:` and `data:`
 * fields, several data lines joined by "\n", comments (`:`) ignored, and an
 * event dispatched at each blank line. Lines may end in \n, \r\n or \r.
 */
export interface SseMessage {
	event: string;
	data: string;
}

export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseMessage> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let buffer = "";
	let event = "";
	let data: string[] = [];
	const onAbort = () => reader.cancel().catch(() => {});
	signal?.addEventListener("abort", onAbort, { once: true });
	try {
		while (true) {
			const { value, done } = await reader.read();
			buffer += decoder.decode(value, { stream: !done });
			if (done) {
				// A last event without its blank line still counts.
				if (buffer && !buffer.endsWith("\n")) buffer += "\n";
				buffer += "\n";
			}
			let nl = nextLineEnd(buffer);
			while (nl) {
				const line = buffer.slice(0, nl.at);
				buffer = buffer.slice(nl.at + nl.length);
				if (line === "") {
					if (data.length) yield { event: event || "message", data: data.join("\n") };
					event = "";
					data = [];
				} else if (!line.startsWith(":")) {
					const colon = line.indexOf(":");
					const field = colon === -1 ? line : line.slice(0, colon);
					let val = colon === -1 ? "" : line.slice(colon + 1);
					if (val.startsWith(" ")) val = val.slice(1);
					if (field === "event") event = val;
					else if (field === "data") data.push(val);
				}
				nl = nextLineEnd(buffer);
			}
			if (done) break;
		}
	} finally {
		signal?.removeEventListener("abort", onAbort);
		reader.releaseLock();
	}
}

/** Where the first complete line ends; a lone trailing \r waits for a possible \n. */
function nextLineEnd(s: string): { at: number; length: number } | null {
	for (let i = 0; i < s.length; i++) {
		const ch = s.charCodeAt(i);
		if (ch === 10) return { at: i, length: 1 };
		if (ch === 13) {
			if (i + 1 === s.length) return null;
			return { at: i, length: s.charCodeAt(i + 1) === 10 ? 2 : 1 };
		}
	}
	return null;
}
