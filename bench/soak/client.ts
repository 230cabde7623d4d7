/**
 * The soak's HTTP client: requests to Kiln on 127.0.0.1 with a Host of its
 * choosing (Kiln's own `localhost:<port>`, or a project's
 * `<id>.localhost:<port>`), over keep-alive connections, and generations read
 * as Server-Sent Events, optionally hanging up mid-stream as a closed tab does.
 */
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
}

export interface RequestOptions {
	port: number;
	host: string;
	path: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	/** The client gives up after this long (default 30 s): a "no answer". */
	timeoutMs?: number;
}

/** Thrown when no answer came: refused, reset, or the client's own timeout. */
export class NoAnswer extends Error {}

export function request(opts: RequestOptions): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: "127.0.0.1",
				port: opts.port,
				method: opts.method ?? "GET",
				path: opts.path,
				agent,
				headers: { host: opts.host, ...opts.headers },
				timeout: opts.timeoutMs ?? 30_000,
			},
			(res) => {
				let text = "";
				res.setEncoding("utf8");
				res.on("data", (d) => (text += d));
				res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
				res.on("error", (err) => reject(new NoAnswer(err.message)));
			},
		);
		req.on("timeout", () => req.destroy(new Error("client timeout")));
		req.on("error", (err) => reject(new NoAnswer((err as NodeJS.ErrnoException).code ?? err.message)));
		req.end(opts.body);
	});
}

export interface SseEvent {
	event: string;
	data: Record<string, unknown>;
}

export interface StreamAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** The body of an answer that is not a stream (a refusal). */
	text: string;
	events: SseEvent[];
	/** How the stream ended: its last event, the server closing it early, or the client leaving. */
	end: "done" | "error" | "eof" | "hung_up" | "refused";
}

/**
 * POST /api/generate, read event by event. With `hangUpAfterDeltas`, the
 * client closes the connection after that many `delta` events, as a
 * stopped generation or a closed tab does.
 */
export function generate(opts: RequestOptions & { hangUpAfterDeltas?: number }): Promise<StreamAnswer> {
	return new Promise((resolve, reject) => {
		let settled = false;
		const finish = (a: StreamAnswer) => {
			if (!settled) {
				settled = true;
				resolve(a);
			}
		};
		const req = http.request(
			{
				host: "127.0.0.1",
				port: opts.port,
				method: "POST",
				path: opts.path,
				agent: false, // its own connection: hanging up must not take a pooled one down with it
				headers: { host: opts.host, "content-type": "application/json", ...opts.headers },
				timeout: opts.timeoutMs ?? 60_000,
			},
			(res) => {
				const status = res.statusCode ?? 0;
				const events: SseEvent[] = [];
				let buffer = "";
				let text = "";
				let deltas = 0;
				const stream = String(res.headers["content-type"] ?? "").startsWith("text/event-stream");
				res.setEncoding("utf8");
				res.on("data", (chunk: string) => {
					if (!stream) {
						text += chunk;
						return;
					}
					buffer += chunk;
					for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
						const frame = buffer.slice(0, i);
						buffer = buffer.slice(i + 2);
						const event = /^event: (.*)$/m.exec(frame)?.[1] ?? "message";
						const data = frame
							.split("\n")
							.filter((l) => l.startsWith("data: "))
							.map((l) => l.slice(6))
							.join("\n");
						let parsed: Record<string, unknown> = {};
						try {
							parsed = JSON.parse(data);
						} catch {}
						events.push({ event, data: parsed });
						if (event === "delta" && opts.hangUpAfterDeltas !== undefined && ++deltas >= opts.hangUpAfterDeltas) {
							finish({ status, headers: res.headers, text, events, end: "hung_up" });
							req.destroy();
							return;
						}
					}
				});
				const close = () => {
					const last = events.at(-1)?.event;
					const end = !stream ? "refused" : last === "done" ? "done" : last === "error" ? "error" : "eof";
					finish({ status, headers: res.headers, text, events, end });
				};
				res.on("end", close);
				res.on("close", close);
				res.on("error", () => {});
			},
		);
		req.on("timeout", () => req.destroy(new Error("client timeout")));
		req.on("error", (err) => {
			if (!settled) {
				settled = true;
				reject(new NoAnswer((err as NodeJS.ErrnoException).code ?? err.message));
			}
		});
		req.end(opts.body);
	});
}

/** Undefined when `text` is Kiln's error shape, `{"error":{"code","message"}}` as JSON; else what it is instead. */
export function badErrorShape(headers: http.IncomingHttpHeaders, text: string): string | undefined {
	if (!String(headers["content-type"] ?? "").includes("application/json"))
		return `content-type ${headers["content-type"] ?? "(none)"}: ${text.slice(0, 120)}`;
	try {
		const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
		if (typeof body.error?.code === "string" && typeof body.error.message === "string") return undefined;
	} catch {}
	return `not {"error":{"code","message"}}: ${text.slice(0, 120)}`;
}

/** The JSON body's `error.code`, if any. */
export function errorCode(text: string): string | undefined {
	try {
		const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
		return typeof code === "string" ? code : undefined;
	} catch {
		return undefined;
	}
}
