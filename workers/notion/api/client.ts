/**
 * The one way this Worker talks to Notion: `@notionhq/client` (API version
 * 2025-09-03) behind the rate limiter, with our own retry policy.
 *
 * The SDK's built-in retries are off because its timeout would also count the
 * time a request waits for its turn, and because its waits between retries
 * would not pass through the shared limiter. Instead, each attempt takes a
 * slot from the limiter and then gets the whole timeout for the network:
 * - 429: every sender pauses for Retry-After, then the request goes again;
 * - 500/502/503/504/529 and 409 conflicts: retried with exponential backoff,
 *   but only for requests that are safe to repeat (reads and updates that set
 *   a value; never an append, which would add a second block);
 * - a timeout is not retried here: the event's attempt fails and the queue
 *   tries the event again later.
 */
import {
	type AppendBlockChildrenParameters,
	type BlockObjectRequest,
	Client,
	isHTTPResponseError,
	isNotionClientError,
	LogLevel,
	type PageObjectResponse,
	RequestTimeoutError,
	type UpdateBlockParameters,
	type UpdatePageParameters,
} from "@notionhq/client";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { rootCause } from "../../../src/http/errors";
import { redact } from "../../../src/http/redact";
import type { Limiter } from "./limiter";

export const NOTION_VERSION = "2025-09-03";
const MAX_RATE_LIMITED = 6;
const MAX_SERVER_ERRORS = 4;
const RETRYABLE_STATUS = new Set([409, 500, 502, 503, 504, 529]);

export interface NotionApiOptions {
	token: string;
	/** Origin of the API, e.g. https://api.notion.com. */
	baseUrl: string;
	timeoutMs: number;
	limiter: Limiter;
	/** First backoff after a server error; doubles each time. */
	backoffMs?: number;
	/** Told of every HTTP request sent to Notion, retries included (the console's record of a run). */
	onRequest?: (r: RequestRecord) => void;
}

/** One request as it went to Notion. `error` is raw upstream text: redact it before keeping it. */
export interface RequestRecord {
	method: string;
	path: string;
	/** null: no answer (timeout, connection failure). */
	status: number | null;
	error: string | null;
	durationMs: number;
	sentAt: number;
}

interface CallOptions {
	/** Safe to send twice (reads, and writes that set a value). */
	idempotent: boolean;
	/** Retry at all (the sweep does not: its next run is the retry). */
	retry?: boolean;
}

/** A block as we read it back: enough to compare and to tell if it is gone. */
export type Block = Record<string, unknown> & {
	id: string;
	type: string;
	in_trash?: boolean;
	archived?: boolean;
};

export class NotionApi {
	private readonly client: Client;
	private readonly limiter: Limiter;
	private readonly backoffMs: number;

	constructor(opts: NotionApiOptions) {
		this.limiter = opts.limiter;
		this.backoffMs = opts.backoffMs ?? 500;
		const timeoutMs = opts.timeoutMs;
		const onRequest = opts.onRequest;
		const send = (url: string, init?: RequestInit) =>
			fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) } as RequestInit);
		this.client = new Client({
			auth: opts.token,
			baseUrl: opts.baseUrl.replace(/\/+$/, ""),
			notionVersion: NOTION_VERSION,
			retry: false,
			// The abort below ends a stalled request; this is only a backstop.
			timeoutMs: timeoutMs + 1000,
			logLevel: LogLevel.ERROR,
			fetch: (url, init) =>
				onRequest ? recorded(send, onRequest)(url, init as RequestInit) : send(url, init as RequestInit),
		});
	}

	private async call<T>(fn: (c: Client) => Promise<T>, opts: CallOptions): Promise<T> {
		let rateLimited = 0;
		let serverErrors = 0;
		for (;;) {
			const release = once(await this.limiter.acquire());
			try {
				return await fn(this.client);
			} catch (err) {
				// The request is over: give its unit back before any wait below.
				await release();
				if (isTimeout(err)) throw new NotionTimeoutError();
				if (!isHTTPResponseError(err)) throw err;
				if (err.status === 429) {
					// Everyone backs off, even a caller that will not retry itself.
					const wait = retryAfterMs(err.headers) ?? this.backoffMs * 2 ** rateLimited;
					await this.limiter.pause(wait);
					if (opts.retry !== false && ++rateLimited < MAX_RATE_LIMITED) continue;
				} else if (opts.retry !== false && opts.idempotent && RETRYABLE_STATUS.has(err.status)) {
					if (++serverErrors < MAX_SERVER_ERRORS) {
						await sleep(this.backoffMs * 2 ** (serverErrors - 1) * (0.75 + Math.random() / 2));
						continue;
					}
				}
				throw err;
			} finally {
				await release();
			}
		}
	}

	/** The bot user of this integration (its id marks events we caused). */
	me(): Promise<{ id: string; name?: string | null }> {
		return this.call((c) => c.users.me({}), { idempotent: true });
	}

	retrievePage(pageId: string): Promise<PageObjectResponse> {
		return this.call((c) => c.pages.retrieve({ page_id: pageId }) as Promise<PageObjectResponse>, {
			idempotent: true,
		});
	}

	/** Sets page icon and/or properties: the same values sent twice leave the same page. */
	updatePage(args: UpdatePageParameters): Promise<unknown> {
		return this.call((c) => c.pages.update(args), { idempotent: true });
	}

	/** The data sources of a database (2025-09-03: a database holds data sources). */
	async dataSourcesOf(databaseId: string): Promise<string[]> {
		const db = await this.call((c) => c.databases.retrieve({ database_id: databaseId }), { idempotent: true });
		return ((db as { data_sources?: { id: string }[] }).data_sources ?? []).map((d) => d.id);
	}

	/** Every row of a data source (a query is a read, so safe to repeat). */
	async queryAll(dataSourceId: string): Promise<PageObjectResponse[]> {
		const rows: PageObjectResponse[] = [];
		let cursor: string | undefined;
		do {
			const res = await this.call(
				(c) => c.dataSources.query({ data_source_id: dataSourceId, page_size: 100, start_cursor: cursor }),
				{ idempotent: true },
			);
			for (const r of res.results) if (r.object === "page" && "properties" in r) rows.push(r as PageObjectResponse);
			cursor = res.has_more ? (res.next_cursor ?? undefined) : undefined;
		} while (cursor);
		return rows;
	}

	retrieveBlock(blockId: string, opts: { retry?: boolean } = {}): Promise<Block> {
		return this.call((c) => c.blocks.retrieve({ block_id: blockId }) as Promise<unknown> as Promise<Block>, {
			idempotent: true,
			retry: opts.retry,
		});
	}

	updateBlock(args: UpdateBlockParameters): Promise<unknown> {
		return this.call((c) => c.blocks.update(args), { idempotent: true });
	}

	/** Appends blocks; never retried on a server error (a retry could add them twice). */
	async append(blockId: string, children: BlockObjectRequest[]): Promise<Block[]> {
		const args: AppendBlockChildrenParameters = { block_id: blockId, children };
		const res = await this.call((c) => c.blocks.children.append(args), { idempotent: false });
		return res.results as unknown as Block[];
	}

	/** Every child block of a block or page. */
	async children(blockId: string): Promise<Block[]> {
		const out: Block[] = [];
		let cursor: string | undefined;
		do {
			const res = await this.call(
				(c) => c.blocks.children.list({ block_id: blockId, page_size: 100, start_cursor: cursor }),
				{ idempotent: true },
			);
			out.push(...(res.results as unknown as Block[]));
			cursor = res.has_more ? (res.next_cursor ?? undefined) : undefined;
		} while (cursor);
		return out;
	}
}

/** A Notion request that got no answer in time. */
export class NotionTimeoutError extends Error {
	constructor() {
		super("Notion did not answer in time (timeout).");
		this.name = "NotionTimeoutError";
	}
}

function isTimeout(err: unknown): boolean {
	if (RequestTimeoutError.isRequestTimeoutError(err)) return true;
	return err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
}

/** Notion's Retry-After: integer seconds, or an HTTP date. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
	const value =
		headers instanceof Headers
			? headers.get("retry-after")
			: typeof headers === "object" && headers
				? (Object.entries(headers).find(([k]) => k.toLowerCase() === "retry-after")?.[1] as string | undefined)
				: undefined;
	if (!value) return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The object does not exist, or is not shared with the integration. */
export function isNotFound(err: unknown): boolean {
	return isNotionClientError(err) && isHTTPResponseError(err) && err.status === 404;
}

/** Worth another try later: timeouts, 429, 5xx, 409, network failures, and D1 failing under us. */
export function isTransient(err: unknown): boolean {
	if (err instanceof NotionTimeoutError) return true;
	// A query that failed (D1 busy, a reset connection) says nothing about the event: try it again.
	if (err instanceof DrizzleQueryError) return true;
	if (isHTTPResponseError(err)) return err.status === 429 || RETRYABLE_STATUS.has(err.status) || err.status >= 500;
	// fetch's own failures (connection refused, reset) are TypeErrors.
	return err instanceof TypeError;
}

/**
 * A short, secret-free description for the event log and the Worker's logs.
 * Notion's message (or a proxy's) is upstream text: bounded, and with tokens
 * and the configured `secrets` redacted.
 */
export function describeError(err: unknown, secrets?: readonly (string | null | undefined)[]): string {
	if (isHTTPResponseError(err)) return redact(`Notion answered ${err.status} ${err.code}: ${err.message}`, { secrets });
	return rootCause(err, secrets);
}

/** `send`, telling `onRequest` what was asked and how it was answered. */
function recorded(send: (url: string, init?: RequestInit) => Promise<Response>, onRequest: (r: RequestRecord) => void) {
	return async (url: string, init?: RequestInit): Promise<Response> => {
		const sentAt = Date.now();
		const asked = { method: (init?.method ?? "GET").toUpperCase(), path: new URL(url).pathname, sentAt };
		let res: Response;
		try {
			res = await send(url, init);
		} catch (err) {
			const error = isTimeout(err) ? "No answer in time (timeout)." : rootCause(err);
			onRequest({ ...asked, status: null, error, durationMs: Date.now() - sentAt });
			throw err;
		}
		const error = res.ok ? null : await answerText(res.clone());
		onRequest({ ...asked, status: res.status, error, durationMs: Date.now() - sentAt });
		return res;
	};
}

/** Notion's error as "code: message", or the start of whatever else answered. */
async function answerText(res: Response): Promise<string> {
	const text = (await res.text().catch(() => "")).slice(0, 2000);
	try {
		const body = JSON.parse(text) as { code?: unknown; message?: unknown };
		if (typeof body.code === "string") return `${body.code}: ${String(body.message ?? "")}`;
	} catch {}
	return text || res.statusText;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function once(fn: () => Promise<void>): () => Promise<void> {
	let done: Promise<void> | null = null;
	return () => (done ??= fn());
}
