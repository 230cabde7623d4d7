/** The notion Worker's settings, read from its bindings (see .dev.vars.example). */
import { createDb } from "../../src/db/client";
import { type OutboundPolicy, parseAllowOrigins } from "../../src/outbound";
import { NotionApi, type RequestRecord } from "./api/client";
import { DryRunNotion } from "./api/dry-run";
import { durableLimiter, isolateLimiter } from "./api/limiter";
import type { RunContext } from "./automations/contract";
import { PermanentError } from "./automations/contract";

export const DEFAULT_NOTION_API = "https://api.notion.com";

function ms(raw: string | undefined, fallback: number): number {
	const n = Number(raw);
	return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function settings(env: NotionBindings) {
	return {
		token: env.NOTION_TOKEN || null,
		baseUrl: env.NOTION_API_BASE_URL || DEFAULT_NOTION_API,
		webhookSecret: env.NOTION_WEBHOOK_SECRET || null,
		verificationToken: env.NOTION_VERIFICATION_TOKEN || null,
		operatorToken: env.KILN_OPERATOR_TOKEN || null,
		timeoutMs: ms(env.NOTION_TIMEOUT_MS, 15_000),
		faviconTimeoutMs: ms(env.FAVICON_TIMEOUT_MS, 3_000),
		// The cron re-queues an event pending this long (its queue message was lost)
		// or running this long (its consumer died). Running must outlast any live
		// run, or a second run would start beside it.
		pendingStuckMs: ms(env.NOTION_PENDING_STUCK_MS, 2 * 60_000),
		runningStuckMs: ms(env.NOTION_RUNNING_STUCK_MS, 20 * 60_000),
	};
}

/**
 * The values no log line or stored error may show, whatever an upstream
 * echoes back (see src/http/redact.ts).
 */
export function secretValues(env: NotionBindings): (string | undefined)[] {
	return [env.NOTION_TOKEN, env.NOTION_WEBHOOK_SECRET, env.NOTION_VERIFICATION_TOKEN, env.KILN_OPERATOR_TOKEN];
}

/** The outbound guard's settings; a malformed allow list fails the run, saying why. */
function outboundPolicy(env: NotionBindings): OutboundPolicy {
	try {
		return { allowOrigins: parseAllowOrigins(env.OUTBOUND_ALLOW_ORIGINS) };
	} catch (err) {
		throw new PermanentError((err as Error).message);
	}
}

/** How long a run waits for another run's append to the same page (blocks.ts). */
const CLAIM_WAIT_MS = 20_000;

export interface RunOptions {
	/** The event it runs (none for the sweep or a dry run). */
	eventId?: string;
	/** Told of every request sent to Notion. */
	onRequest?: (r: RequestRecord) => void;
	/** Writes are noted, not sent (the client is a DryRunNotion), and nothing is recorded in D1. */
	dryRun?: boolean;
}

/** Everything a run needs: D1, and a Notion client that shares the integration's rate limit. */
export async function runContext(env: NotionBindings, opts: RunOptions = {}): Promise<RunContext> {
	const s = settings(env);
	if (!s.token) throw new PermanentError("NOTION_TOKEN is not set: the Worker cannot call Notion.");
	const limiter = env.NOTION_RATE_LIMITER ? await durableLimiter(env.NOTION_RATE_LIMITER, s.token) : isolateLimiter;
	const api = { token: s.token, baseUrl: s.baseUrl, timeoutMs: s.timeoutMs, limiter, onRequest: opts.onRequest };
	return {
		db: createDb(env.DB),
		notion: new (opts.dryRun ? DryRunNotion : NotionApi)(api),
		faviconTimeoutMs: s.faviconTimeoutMs,
		outbound: outboundPolicy(env),
		eventId: opts.eventId ?? crypto.randomUUID(),
		claimWaitMs: CLAIM_WAIT_MS,
		dryRun: opts.dryRun === true,
	};
}
