/**
 * What every automation is: its route and options, the context a run gets
 * (D1, a rate-limited Notion client) and what it returns. The payload it is
 * given is described in ../payloads.ts.
 */
import type { Db } from "../../../src/db/client";
import type { OutboundPolicy } from "../../../src/outbound";
import type { NotionApi } from "../api/client";
import type { AutomationPayload } from "../payloads";

/** What a run may use. */
export interface RunContext {
	db: Db;
	notion: NotionApi;
	faviconTimeoutMs: number;
	/** What the outbound guard lets through when a run fetches a user's URL (favicons). */
	outbound: OutboundPolicy;
	/** The event this run is for: it owns the append claims the run takes (see ../blocks.ts). */
	eventId: string;
	/** How long to wait for another run's append to the same page before leaving it to a later try. */
	claimWaitMs: number;
	/** A dry run: `notion` only notes writes, and the run records nothing in D1 (block state, claims). */
	dryRun: boolean;
}

export interface RunResult {
	status: "done" | "ignored";
	/** Why it was ignored (kept in the event log). */
	note?: string;
	/** Notion writes this run made (0 when everything was already right). */
	writes: number;
}

export const done = (writes: number): RunResult => ({ status: "done", writes });
export const ignored = (note: string): RunResult => ({ status: "ignored", note, writes: 0 });

/** A failure that another try cannot fix (bad configuration, a missing property). */
export class PermanentError extends Error {
	override name = "PermanentError";
}

/** Nothing went wrong, but the work cannot be done now (another run holds the page): try later. */
export class RetryLater extends Error {
	override name = "RetryLater";
}

export interface Automation {
	/** The route path, e.g. "/example/callout"; also the event's route. */
	path: string;
	/** Query options the route accepts (`?property=Website`), with a description each. */
	options: Record<string, string>;
	/** Checks beyond the shared shape; an error message means 400 and nothing recorded. */
	check?: (payload: AutomationPayload, options: Record<string, string>) => string | null;
	run: (ctx: RunContext, payload: AutomationPayload, options: Record<string, string>) => Promise<RunResult>;
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
