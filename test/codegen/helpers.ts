import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { GenerateEvent } from "../../src/shared/api";
import { countDocuments } from "../../workers/codegen/app-db/documents";
import { appDatabase } from "../../workers/codegen/app-db/object";
import worker from "../../workers/codegen/index";
import { createScenario } from "../fakes/openai";

export const FAKE = env.FAKE_OPENAI_URL;
export const BASE = "https://kiln.test";

/** A request to the codegen Worker as deployed (its own env). */
export function call(path: string, init?: RequestInit & { base?: string }): Promise<Response> {
	return exports.default.fetch(`${init?.base ?? BASE}${path}`, init);
}

/**
 * A request to the codegen Worker with some settings changed, the way a user
 * would change them (another LLM_BASE_URL, no provider, a tighter rate limit).
 */
export async function callWithEnv(
	overrides: Partial<Record<keyof CodegenBindings, unknown>>,
	path: string,
	init?: RequestInit & { base?: string },
): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request(`${init?.base ?? BASE}${path}`, init),
		{ ...env, ...overrides } as CodegenBindings,
		ctx,
	);
	// Read the body first: a streamed answer finishes in waitUntil.
	const body = await res.arrayBuffer();
	await waitOnExecutionContext(ctx);
	return new Response(res.status === 204 || res.status === 304 ? null : body, res);
}

/**
 * The test's D1 with some of its query methods replaced (to make it fail), on
 * the binding and on every session opened from it (`withSession`), which is
 * where the Worker's queries go.
 */
export function d1With(methods: Partial<Pick<D1Database, "prepare" | "batch">>): D1Database {
	const replace = <T extends object>(real: T): T =>
		new Proxy(real, {
			get(target, prop) {
				if (prop === "prepare" && methods.prepare) return methods.prepare;
				if (prop === "batch" && methods.batch) return methods.batch;
				if (prop === "withSession") {
					return (start?: string) => replace((target as unknown as D1Database).withSession(start));
				}
				const v = Reflect.get(target, prop, target);
				return typeof v === "function" ? v.bind(target) : v;
			},
		});
	return replace(env.DB);
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
	return call(path, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

export type SseEvent = GenerateEvent;

/** Reads SSE events from a response as they arrive. */
export async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
	const reader = (res.body as ReadableStream<Uint8Array>).getReader();
	const decoder = new TextDecoder();
	let buf = "";
	let ended = false;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) {
				ended = true;
				break;
			}
			buf += decoder.decode(value, { stream: true });
			let i = buf.indexOf("\n\n");
			while (i >= 0) {
				const block = buf.slice(0, i);
				buf = buf.slice(i + 2);
				const event = /^event: (.*)$/m.exec(block)?.[1];
				const data = /^data: (.*)$/m.exec(block)?.[1];
				if (event && data !== undefined) yield { event, data: JSON.parse(data) } as SseEvent;
				i = buf.indexOf("\n\n");
			}
		}
	} finally {
		// Stopped reading early (the caller broke out): hang up, as a client that leaves does.
		if (!ended) await reader.cancel().catch(() => {});
	}
}

export async function allEvents(res: Response): Promise<SseEvent[]> {
	const out: SseEvent[] = [];
	for await (const e of sseEvents(res)) out.push(e);
	return out;
}

export interface Generated {
	events: SseEvent[];
	project: string;
	editToken?: string;
	version?: number;
	error?: { code: string; message: string };
	text: string;
}

/** POSTs /api/generate, expects an SSE answer, and reads all of it. */
export async function generate(body: Record<string, unknown>, token?: string): Promise<Generated> {
	const res = await postJson("/api/generate", body, token ? { authorization: `Bearer ${token}` } : {});
	expect(res.status, await peekError(res)).toBe(200);
	expect(res.headers.get("content-type")).toContain("text/event-stream");
	return summarize(await allEvents(res));
}

export function summarize(events: SseEvent[]): Generated {
	const start = events[0];
	if (start?.event !== "start") throw new Error(`first event is ${start?.event}`);
	const last = events.at(-1);
	return {
		events,
		project: start.data.project,
		editToken: start.data.editToken,
		version: last?.event === "done" ? last.data.version : undefined,
		error: last?.event === "error" ? last.data : undefined,
		text: events.flatMap((e) => (e.event === "delta" ? [e.data.text] : [])).join(""),
	};
}

async function peekError(res: Response): Promise<string> {
	if (res.status === 200) return "";
	return res.clone().text();
}

/** Row counts of the codegen tables: "nothing written" means these do not change. */
export async function rowCounts(): Promise<{ projects: number; versions: number }> {
	const [p, v] = await env.DB.batch([
		env.DB.prepare("SELECT count(*) AS n FROM projects"),
		env.DB.prepare("SELECT count(*) AS n FROM versions"),
	]);
	const n = (r: D1Result) => (r.results[0] as { n: number }).n;
	return { projects: n(p), versions: n(v) };
}

/** How many documents a project's store holds (read in its object, as they are stored). */
export function documentCount(project: string): Promise<number> {
	return runInDurableObject(appDatabase(env.APP_DB, project), (_o, state) => countDocuments(state.storage.sql));
}

/** Expects a JSON error answer with this status and code. */
export async function expectError(
	res: Response,
	status: number,
	code: string,
): Promise<{ code: string; message: string }> {
	const text = await res.text();
	expect(res.status, text).toBe(status);
	expect(res.headers.get("content-type")).toContain("application/json");
	const body = JSON.parse(text) as { error: { code: string; message: string } };
	expect(Object.keys(body)).toEqual(["error"]);
	expect(body.error.code, text).toBe(code);
	expect(typeof body.error.message).toBe("string");
	expect(body.error.message.length).toBeGreaterThan(0);
	return body.error;
}

/** A project made through the API (the fake's default answer): its id and edit token. */
export async function newProject(prompt = "a page that says hello"): Promise<{ project: string; token: string }> {
	const g = await generate({ prompt });
	expect(g.error).toBeUndefined();
	expect(g.version).toBe(1);
	return { project: g.project, token: g.editToken as string };
}

/** The page of the full-stack test apps: it calls its server with a relative URL. */
export const PAGE =
	'<!DOCTYPE html>\n<html><head><title>App</title></head><body><script>fetch("api/hi")</script></body></html>';

/** A model's answer with a page and a server module. */
export function serverAnswer(server: string, page = PAGE): string {
	return `- plan\n\n\`\`\`html index.html\n${page}\n\`\`\`\n\n\`\`\`js server.js\n${server}\n\`\`\`\n`;
}

/** A new project (or a new version of `edit`) whose server module is `server`, written by the fake model. */
export async function withServer(server: string, edit?: { project: string; token: string }) {
	const s = await createScenario(FAKE, { replies: [{ text: serverAnswer(server) }] });
	const g = await generate(
		edit ? { prompt: `change ${s.marker}`, project: edit.project } : { prompt: `an app ${s.marker}` },
		edit?.token,
	);
	return { ...g, token: edit?.token ?? (g.editToken as string) };
}

/** A project's own origin, as `npm run dev` gives it. */
export const origin = (project: string) => `http://${project}.localhost:8787`;

/** A request to a project's own origin. */
export const onOrigin = (project: string, path: string, init?: RequestInit) =>
	call(path, { ...init, base: origin(project) });
