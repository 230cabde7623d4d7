/**
 * The SPA's only way to the API: Hono's RPC client typed by the codegen
 * Worker's routes (`import type` — no Worker code reaches the bundle), and the
 * zod contract from src/shared. A route that changes shape breaks `npm run
 * check`, not the page.
 */
import { hc, type InferResponseType } from "hono/client";
import type { CodegenApp } from "../../../workers/codegen/index";
import type {
	ConfigJson,
	GenerateEvent,
	GenerateRequest,
	ProjectJson,
	RemixRequest,
	RemixResponse,
	VersionSummaryJson,
} from "../../shared/api";
import { bookmarkedFetch, noteBookmark } from "./bookmarks";
import { readSse } from "./sse";

// Every request sends the newest D1 bookmark this tab has seen, and keeps the answer's (bookmarks.ts).
export const client = hc<CodegenApp>(typeof location === "undefined" ? "http://localhost" : location.origin, {
	fetch: bookmarkedFetch,
});

type VersionGet = (typeof client.api.projects)[":project"]["versions"][":n"]["$get"];
export type ProjectWithVersions = ProjectJson;
export type ProjectInfo = ProjectJson["project"];
export type VersionSummary = VersionSummaryJson;
export type Version = InferResponseType<VersionGet, 200>["version"];
export type Config = ConfigJson;

/** An answer that was not a success, with the API's own code and message. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		/** Seconds to wait, from Retry-After on a 429. */
		readonly retryAfter?: number,
	) {
		super(message);
		this.name = "ApiError";
	}
}

/** What toApiError reads of a response (fetch's and the RPC client's alike). */
interface AnswerLike {
	status: number;
	statusText: string;
	headers: { get(name: string): string | null };
	json(): Promise<unknown>;
}

export async function toApiError(res: AnswerLike): Promise<ApiError> {
	let code = `http_${res.status}`;
	let message = `The server answered ${res.status} ${res.statusText}.`;
	try {
		const body = (await res.json()) as { error?: { code?: string; message?: string } };
		if (body.error?.code) code = body.error.code;
		if (body.error?.message) message = body.error.message;
	} catch (err) {
		// Stopped while the error's body was read: the caller stopped listening, so say so
		// rather than report the error as if it still applied.
		if (err instanceof DOMException && err.name === "AbortError") throw err;
	}
	const retry = Number(res.headers.get("Retry-After"));
	return new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export function networkError(err: unknown): ApiError {
	if (err instanceof ApiError) return err;
	if (err instanceof DOMException && err.name === "AbortError") return new ApiError(0, "aborted", "Stopped.");
	return new ApiError(0, "network", "Could not reach Kiln. Check your connection and try again.");
}

export async function fetchProject(project: string, signal?: AbortSignal): Promise<ProjectJson> {
	try {
		const res = await client.api.projects[":project"].$get({ param: { project } }, { init: { signal } });
		if (res.status !== 200) throw await toApiError(res);
		return await res.json();
	} catch (err) {
		throw networkError(err);
	}
}

/** Whether a model is configured, and the starter prompts. */
export async function fetchConfig(signal?: AbortSignal): Promise<ConfigJson> {
	try {
		const res = await client.api.config.$get(undefined, { init: { signal } });
		if (res.status !== 200) throw await toApiError(res);
		return await res.json();
	} catch (err) {
		throw networkError(err);
	}
}

/** A new project whose version 1 is a copy of `fromVersion`; its edit token comes back once. */
export async function remix(project: string, fromVersion?: number): Promise<RemixResponse> {
	const body: RemixRequest = fromVersion ? { fromVersion } : {};
	try {
		const res = await client.api.projects[":project"].remix.$post(
			{ param: { project } },
			{ headers: { "Content-Type": "application/json" }, init: { body: JSON.stringify(body) } },
		);
		if (res.status !== 201) throw await toApiError(res);
		return await res.json();
	} catch (err) {
		throw networkError(err);
	}
}

export async function fetchVersion(project: string, n: number, signal?: AbortSignal): Promise<Version> {
	try {
		const res = await client.api.projects[":project"].versions[":n"].$get(
			{ param: { project, n: String(n) } },
			{ init: { signal } },
		);
		if (res.status !== 200) throw await toApiError(res);
		return (await res.json()).version;
	} catch (err) {
		throw networkError(err);
	}
}

/**
 * Checks a request against the shared contract before it leaves the browser.
 * The contract (and zod with it) loads on the first check, not with the first page.
 */
export async function validateGenerate(req: GenerateRequest): Promise<string | null> {
	const { generateRequest } = await import("../../shared/api");
	const parsed = generateRequest.safeParse(req);
	return parsed.success ? null : (parsed.error.issues[0]?.message ?? "That request is not valid.");
}

/**
 * POST /api/generate and yield its events in order. An HTTP error before the
 * stream starts (400, 401, 429...) is thrown as an ApiError; so is a stream
 * that ends without `done` or `error`.
 */
export async function* generate(
	req: GenerateRequest,
	opts: { editToken?: string | null; signal?: AbortSignal } = {},
): AsyncGenerator<GenerateEvent> {
	let res: Response;
	try {
		res = await client.api.generate.$post(undefined, {
			headers: {
				"Content-Type": "application/json",
				Accept: "text/event-stream",
				...(opts.editToken ? { Authorization: `Bearer ${opts.editToken}` } : {}),
			},
			init: { body: JSON.stringify(req), signal: opts.signal },
		});
	} catch (err) {
		throw networkError(err);
	}
	if (!res.ok || !res.body) {
		try {
			throw await toApiError(res);
		} catch (err) {
			throw networkError(err); // stopped while the error was read: "aborted", like every other stop
		}
	}
	let finished = false;
	try {
		for await (const msg of readSse(res.body, opts.signal)) {
			let data: unknown;
			try {
				data = JSON.parse(msg.data);
			} catch {
				continue;
			}
			const event = { event: msg.event, data } as GenerateEvent;
			// The write's bookmark: the reads that follow (the new version, the project) see it.
			if (event.event === "done") noteBookmark(event.data.bookmark);
			if (event.event === "done" || event.event === "error") finished = true;
			yield event;
			if (finished) return;
		}
	} catch (err) {
		throw networkError(err);
	}
	if (opts.signal?.aborted) throw new ApiError(0, "aborted", "Stopped.");
	if (!finished) {
		throw new ApiError(
			0,
			"stream_cut",
			"The connection closed before the app was finished. Nothing was saved; try again.",
		);
	}
}
