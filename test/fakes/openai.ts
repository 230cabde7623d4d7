/**
 * A fake OpenAI-compatible chat-completions server for tests: it streams SSE
 * exactly like the real API (`data: {chunk}` lines, then `data: [DONE]`), and
 * can be told to misbehave. It records every request. It also answers
 * Anthropic's Messages API (`POST /v1/messages`, its own SSE events) with the
 * same behaviours, for the anthropic provider.
 *
 * Start it in Node (a vitest `globalSetup`, a browser test, a bench):
 *
 *     const fake = await startFakeOpenAI();
 *     // LLM_BASE_URL=${fake.url}/v1  (what Kiln's users set)
 *     await fake.close();
 *
 * Control it from anywhere that has `fetch` (Node, workerd, a browser) with the
 * client functions at the bottom, which speak its small HTTP control API:
 *
 *     const s = await createScenario(fakeUrl, { replies: [{ holdAfterChunks: 2 }] });
 *     // put s.marker anywhere in the prompt: that request follows the scenario
 *     await waitForHeld(fakeUrl, s.id);  await release(fakeUrl, s.id);
 *     const reqs = await recordedRequests(fakeUrl, s.id);
 *
 * Routing: a request whose last message contains `[fake:<id>]` belongs to
 * scenario <id> (so test files running in parallel never share a script); a
 * request to `/s/<id>/v1/chat/completions` does too (for a base URL per
 * scenario); anything else gets the default answer, or the reply last set with
 * `setDefaultReply()` (a throttled or failing provider for everyone at once, as
 * the soak's fault windows use it). Every request is recorded
 * in the log of its scenario and in the global log (`GET /_fake/requests`).
 *
 * Nothing in this file imports Node modules at the top level, so the client
 * functions can be imported inside workerd and browsers.
 */

/** What the fake does with one chat-completions request. */
export interface FakeReply {
	/** Answer this HTTP status with an OpenAI-style JSON error instead of streaming (e.g. 401, 429, 500). */
	status?: number;
	/** The assistant's whole answer; default: a short plan and a complete ```html fence echoing the prompt. */
	text?: string;
	/** Characters per streamed chunk (default 24). */
	chunkSize?: number;
	/** Delay before the first content chunk, in ms (the upstream's own time to first token). */
	firstTokenDelayMs?: number;
	/** Delay between chunks, in ms (default 0). */
	chunkDelayMs?: number;
	/**
	 * Stream at this many tokens a second (a token is 4 characters, as the usage
	 * count assumes), like a provider's speed: e.g. 40 for Workers AI, 2000 for
	 * Cerebras. Overrides `chunkSize` and `chunkDelayMs`; each chunk is one token.
	 */
	tokensPerSecond?: number;
	/** Send this many chunks, then keep the stream open until `release()`. */
	holdAfterChunks?: number;
	/** Send this many chunks, then cut the connection (no [DONE], socket destroyed). */
	failAfterChunks?: number;
	/** Send this many chunks, then send nothing more and never end (a stall). */
	stallAfterChunks?: number;
	/** finish_reason of the last chunk (default "stop"; "length" means truncated). */
	finishReason?: "stop" | "length";
	/** Send a usage chunk at the end (default true). */
	usage?: boolean;
}

export interface ScenarioOptions {
	/** Replies for the scenario's requests, in order; after them `default` answers. */
	replies?: FakeReply[];
	default?: FakeReply;
}

export interface Scenario {
	id: string;
	/** Put this in a prompt to send that request to this scenario. */
	marker: string;
	/** A base URL (ending in /v1) whose every request belongs to this scenario. */
	baseUrl: string;
}

export interface RecordedRequest {
	at: number;
	method: string;
	path: string;
	/** The Authorization header as received (the fake is where a key may be seen). */
	authorization: string | null;
	/** The x-api-key header (Anthropic's way of sending the key). */
	apiKey: string | null;
	body: {
		model?: string;
		stream?: boolean;
		messages?: { role: string; content: unknown }[];
		[k: string]: unknown;
	} | null;
	scenario: string | null;
}

export interface FakeOpenAI {
	/** e.g. http://127.0.0.1:43121 — use `${url}/v1` as LLM_BASE_URL. */
	url: string;
	port: number;
	/** Every request so far, oldest first. */
	requests: RecordedRequest[];
	close(): Promise<void>;
}

/**
 * The default answer: a plan, then one complete HTML file in a fence whose <h1>
 * is the request (the last paragraph of the last message) and whose text counts
 * the fake's answers, so every answer differs.
 */
export function defaultAnswer(prompt: string, n: number): string {
	const safe = prompt.replace(/[<>&]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[ch] as string);
	return [
		"Plan:",
		"- One page that shows the request.",
		"",
		"```html",
		"<!DOCTYPE html>",
		'<html lang="en">',
		`<head><meta charset="utf-8"><title>Fake app ${n}</title></head>`,
		`<body><h1>${safe}</h1><p>Answer number ${n} from the fake model.</p></body>`,
		"</html>",
		"```",
		"",
	].join("\n");
}

const MARKER = /\[fake:([a-z0-9-]{1,40})\]/g;

/** Starts the fake on 127.0.0.1 (port 0 = any free port). Node only. */
export async function startFakeOpenAI(opts: { port?: number } = {}): Promise<FakeOpenAI> {
	const http = await import("node:http");
	type Res = import("node:http").ServerResponse;
	type ScenarioState = {
		replies: FakeReply[];
		default: FakeReply;
		requests: RecordedRequest[];
		held: Set<() => void>;
	};
	const scenarios = new Map<string, ScenarioState>();
	const requests: RecordedRequest[] = [];
	const openSockets = new Set<import("node:net").Socket>();
	let served = 0;
	let nextScenario = 1;
	/** What requests outside every scenario get (`POST /_fake/default`). */
	let defaultReply: FakeReply = {};

	const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
	const json = (res: Res, status: number, body: unknown) => {
		res.writeHead(status, { "content-type": "application/json" });
		res.end(JSON.stringify(body));
	};

	/** The text of a message's content: a string, or (Anthropic) an array of blocks. */
	function textOf(content: unknown): string {
		if (typeof content === "string") return content;
		if (Array.isArray(content))
			return content.map((b) => (b && typeof b === "object" && "text" in b ? String(b.text) : "")).join("");
		return "";
	}

	function scenarioFor(path: string, body: RecordedRequest["body"]): string | null {
		const m = /^\/s\/([a-z0-9-]+)\/v1\//.exec(path);
		if (m) return m[1];
		const text = textOf(body?.messages?.at(-1)?.content);
		const found = [...text.matchAll(MARKER)].at(-1);
		return found ? found[1] : null;
	}

	async function complete(res: Res, reply: FakeReply, prompt: string, scenario: ScenarioState | undefined) {
		if (reply.status && reply.status !== 200) {
			const type =
				reply.status === 401 ? "invalid_api_key" : reply.status === 429 ? "rate_limit_exceeded" : "server_error";
			return json(res, reply.status, {
				error: { message: `fake upstream answered ${reply.status}`, type, code: type },
			});
		}
		const text = reply.text ?? defaultAnswer(prompt, ++served);
		const size = reply.tokensPerSecond ? 4 : (reply.chunkSize ?? 24);
		const chunks: string[] = [];
		for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
		const id = `chatcmpl-fake${Date.now()}`;
		const created = Math.floor(Date.now() / 1000);
		const frame = (delta: object, finish: string | null, extra: object = {}) =>
			`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: "fake-model", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
		res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
		res.flushHeaders();
		res.write(frame({ role: "assistant", content: "" }, null));
		if (reply.firstTokenDelayMs) await sleep(reply.firstTokenDelayMs);
		const pace = reply.tokensPerSecond ? paced(reply.tokensPerSecond) : null;
		for (let i = 0; i < chunks.length; i++) {
			if (res.destroyed) return;
			if (pace) await pace(i);
			else if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
			if (reply.failAfterChunks !== i + 1) res.write(frame({ content: chunks[i] }, null));
			const sent = i + 1;
			if (reply.failAfterChunks === sent) {
				// Let this chunk reach the client, then cut the connection.
				await new Promise<void>((resolve) => res.write(frame({ content: chunks[i] }, null), () => resolve()));
				await sleep(20);
				res.socket?.destroy();
				return;
			}
			if (reply.stallAfterChunks === sent) return; // never ends; closed with the server
			if (reply.holdAfterChunks === sent) {
				await holdUntilReleased(scenario, res);
			}
		}
		if (res.destroyed) return;
		res.write(frame({}, reply.finishReason ?? "stop"));
		if (reply.usage !== false) {
			const completion = Math.max(1, Math.ceil(text.length / 4));
			res.write(
				`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: "fake-model", choices: [], usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: completion, total_tokens: completion + Math.ceil(prompt.length / 4) } })}\n\n`,
			);
		}
		res.write("data: [DONE]\n\n");
		res.end();
	}

	/** The same behaviours in Anthropic's Messages API streaming format. */
	async function completeAnthropic(res: Res, reply: FakeReply, prompt: string, scenario: ScenarioState | undefined) {
		if (reply.status && reply.status !== 200) {
			const type =
				reply.status === 401 ? "authentication_error" : reply.status === 429 ? "rate_limit_error" : "api_error";
			return json(res, reply.status, {
				type: "error",
				error: { type, message: `fake upstream answered ${reply.status}` },
			});
		}
		const text = reply.text ?? defaultAnswer(prompt, ++served);
		const size = reply.chunkSize ?? 24;
		const event = (name: string, data: object) =>
			`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
		res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
		res.write(
			event("message_start", {
				message: {
					id: `msg_fake${Date.now()}`,
					type: "message",
					role: "assistant",
					model: "fake-claude",
					content: [],
					stop_reason: null,
					usage: { input_tokens: Math.ceil(prompt.length / 4), output_tokens: 1 },
				},
			}),
		);
		res.write(event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }));
		if (reply.firstTokenDelayMs) await sleep(reply.firstTokenDelayMs);
		for (let i = 0, sent = 1; i < text.length; i += size, sent++) {
			if (res.destroyed) return;
			if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
			const frame = event("content_block_delta", {
				index: 0,
				delta: { type: "text_delta", text: text.slice(i, i + size) },
			});
			if (reply.failAfterChunks === sent) {
				await new Promise<void>((resolve) => res.write(frame, () => resolve()));
				await sleep(20);
				res.socket?.destroy();
				return;
			}
			res.write(frame);
			if (reply.stallAfterChunks === sent) return;
			if (reply.holdAfterChunks === sent) {
				await holdUntilReleased(scenario, res);
			}
		}
		if (res.destroyed) return;
		res.write(event("content_block_stop", { index: 0 }));
		const stop = (reply.finishReason ?? "stop") === "length" ? "max_tokens" : "end_turn";
		res.write(
			event("message_delta", {
				delta: { stop_reason: stop, stop_sequence: null },
				usage: { output_tokens: Math.max(1, Math.ceil(text.length / 4)) },
			}),
		);
		res.write(event("message_stop", {}));
		res.end();
	}

	async function readBody(req: import("node:http").IncomingMessage): Promise<string> {
		let data = "";
		for await (const chunk of req) data += chunk;
		return data;
	}

	const server = http.createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://fake");
		const path = url.pathname;
		res.setHeader("access-control-allow-origin", "*");
		if (req.method === "OPTIONS") {
			res.setHeader("access-control-allow-methods", "GET, POST, DELETE");
			res.setHeader("access-control-allow-headers", "content-type, authorization");
			res.writeHead(204).end();
			return;
		}
		try {
			// ---- control API
			if (path === "/_fake/scenarios" && req.method === "POST") {
				const opts = JSON.parse((await readBody(req)) || "{}") as ScenarioOptions;
				const id = `s${nextScenario++}${Math.random().toString(36).slice(2, 8)}`;
				scenarios.set(id, {
					replies: [...(opts.replies ?? [])],
					default: opts.default ?? {},
					requests: [],
					held: new Set(),
				});
				const host = req.headers.host ?? "127.0.0.1";
				return json(res, 201, { id, marker: `[fake:${id}]`, baseUrl: `http://${host}/s/${id}/v1` });
			}
			const ctl = /^\/_fake\/scenarios\/([a-z0-9-]+)\/(requests|held|release)$/.exec(path);
			if (ctl) {
				const s = scenarios.get(ctl[1]);
				if (!s) return json(res, 404, { error: { message: "no such scenario" } });
				if (ctl[2] === "requests") return json(res, 200, { requests: s.requests });
				if (ctl[2] === "held") return json(res, 200, { held: s.held.size });
				const n = s.held.size;
				for (const done of [...s.held]) done();
				return json(res, 200, { released: n });
			}
			if (path === "/_fake/requests" && req.method === "GET") return json(res, 200, { requests });
			if (path === "/_fake/default" && req.method === "POST") {
				defaultReply = JSON.parse((await readBody(req)) || "{}") as FakeReply;
				return json(res, 200, { default: defaultReply });
			}
			// ---- the OpenAI-compatible API
			const anthropic = req.method === "POST" && /\/v1\/messages$/.test(path);
			if (anthropic || (req.method === "POST" && /\/v1\/chat\/completions$/.test(path))) {
				const raw = await readBody(req);
				let body: RecordedRequest["body"] = null;
				try {
					body = JSON.parse(raw);
				} catch {}
				const id = scenarioFor(path, body);
				const record: RecordedRequest = {
					at: Date.now(),
					method: req.method ?? "POST",
					path,
					authorization: req.headers.authorization ?? null,
					apiKey: (req.headers["x-api-key"] as string | undefined) ?? null,
					body,
					scenario: id,
				};
				requests.push(record);
				const s = id ? scenarios.get(id) : undefined;
				s?.requests.push(record);
				const reply = s ? (s.replies.shift() ?? s.default) : defaultReply;
				// The default answer echoes the last paragraph of the last message: the request
				// itself, when the message also carries the code being edited.
				const prompt =
					textOf(body?.messages?.at(-1)?.content)
						.trim()
						.split(/\n\s*\n/)
						.at(-1) ?? "";
				if (anthropic) return await completeAnthropic(res, reply, prompt.slice(0, 200), s);
				return await complete(res, reply, prompt.slice(0, 200), s);
			}
			if (req.method === "GET" && /\/v1\/models$/.test(path)) {
				return json(res, 200, { object: "list", data: [{ id: "fake-model", object: "model" }] });
			}
			json(res, 404, { error: { message: `fake: nothing at ${req.method} ${path}` } });
		} catch (err) {
			if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
			else res.destroy();
		}
	});
	server.on("connection", (socket) => {
		openSockets.add(socket);
		socket.on("close", () => openSockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
	const port = (server.address() as import("node:net").AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of scenarios.values()) for (const done of s.held) done();
				for (const socket of openSockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

// ------------------------------------------------------------------ client

/** Creates a scenario on a running fake (`fakeUrl` is its root, without /v1). */
export async function createScenario(fakeUrl: string, opts: ScenarioOptions = {}): Promise<Scenario> {
	const res = await fetch(`${fakeUrl}/_fake/scenarios`, { method: "POST", body: JSON.stringify(opts) });
	if (res.status !== 201) throw new Error(`fake: creating a scenario answered ${res.status}`);
	return res.json();
}

/** What every request outside a scenario gets from now on; `{}` is the default answer again. */
export async function setDefaultReply(fakeUrl: string, reply: FakeReply): Promise<void> {
	const res = await fetch(`${fakeUrl}/_fake/default`, { method: "POST", body: JSON.stringify(reply) });
	if (res.status !== 200) throw new Error(`fake: setting the default reply answered ${res.status}`);
}

/** The requests a scenario received, oldest first. */
export async function recordedRequests(fakeUrl: string, scenarioId: string): Promise<RecordedRequest[]> {
	const res = await fetch(`${fakeUrl}/_fake/scenarios/${scenarioId}/requests`);
	return ((await res.json()) as { requests: RecordedRequest[] }).requests;
}

/** Every request the fake received, across scenarios. */
export async function allRequests(fakeUrl: string): Promise<RecordedRequest[]> {
	const res = await fetch(`${fakeUrl}/_fake/requests`);
	return ((await res.json()) as { requests: RecordedRequest[] }).requests;
}

/** How many of the scenario's streams are being held open right now. */
export async function heldCount(fakeUrl: string, scenarioId: string): Promise<number> {
	const res = await fetch(`${fakeUrl}/_fake/scenarios/${scenarioId}/held`);
	return ((await res.json()) as { held: number }).held;
}

/** Waits until at least `n` streams of the scenario are held open. */
export async function waitForHeld(fakeUrl: string, scenarioId: string, n = 1, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if ((await heldCount(fakeUrl, scenarioId)) >= n) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error(`fake: scenario ${scenarioId} never held ${n} stream(s)`);
}

/** Lets the scenario's held streams finish. */
export async function release(fakeUrl: string, scenarioId: string): Promise<number> {
	const res = await fetch(`${fakeUrl}/_fake/scenarios/${scenarioId}/release`, { method: "POST" });
	return ((await res.json()) as { released: number }).released;
}

/**
 * Waits until chunk `i` is due at `perSecond` chunks a second from the first
 * call. Timers are coarse (a millisecond at best), so fast rates send the
 * chunks that are due together rather than sleeping between each.
 */
function paced(perSecond: number): (i: number) => Promise<void> {
	const start = performance.now();
	return async (i) => {
		const due = start + (i * 1000) / perSecond;
		const wait = due - performance.now();
		if (wait >= 2) await new Promise((r) => setTimeout(r, wait));
	};
}

/** Holds a stream open until the test releases the scenario, or the client goes away. */
function holdUntilReleased(
	scenario: { held: Set<() => void> } | undefined,
	res: import("node:http").ServerResponse,
): Promise<void> {
	return new Promise<void>((resolve) => {
		const done = () => {
			scenario?.held.delete(done);
			resolve();
		};
		scenario?.held.add(done);
		res.on("close", done);
	});
}
