/**
 * The Notion console's contract: what the notion Worker's operator routes
 * answer (`/notion/console/*`, `/notion/events/*`, `/notion/verification`) and
 * the SPA's console reads. Types only, so the SPA's first page pays nothing.
 */

export type EventStatus = "pending" | "running" | "done" | "failed" | "ignored";
export const EVENT_STATUSES: readonly EventStatus[] = ["pending", "running", "done", "failed", "ignored"];

/** GET /console/setup */
export interface ConsoleSetupJson {
	/** The automation routes, each under /notion on Kiln's domain. */
	routes: { path: string; options: { name: string; description: string }[] }[];
	/** The header every "Send webhook" action sends; null while NOTION_WEBHOOK_SECRET is unset. */
	webhook: { header: "Authorization"; value: string } | null;
	/** Which settings are set (never their values). */
	settings: { NOTION_TOKEN: boolean; NOTION_WEBHOOK_SECRET: boolean; NOTION_VERIFICATION_TOKEN: boolean };
}

/** GET /console/token: does NOTION_TOKEN work (Notion's users/me)? */
export type TokenCheckJson =
	| { ok: true; bot: { id: string; name: string | null } }
	| { ok: false; error: { code: string; message: string } };

/** GET /verification: the integration subscription's state. */
export interface VerificationJson {
	configured: boolean;
	pending: { token: string; receivedAt: string } | null;
}

/** GET /console/budget: the rate limiter's use now. */
export interface BudgetJson {
	budget: {
		limit: number;
		windowMs: number;
		inFlight: number;
		coolingDown: number;
		sentLastSecond: number;
		waiting: number;
		pausedForMs: number;
		pausedUntil: string | null;
	};
}

/** GET /console/stats: events per route path since `since`. */
export interface StatsJson {
	since: string;
	routes: { route: string; total: number; byStatus: Record<EventStatus, number> }[];
}

/** An event as the log lists it. */
export interface EventSummaryJson {
	id: string;
	source: "automation" | "integration";
	route: string;
	type: string | null;
	status: EventStatus;
	attempts: number;
	lastError: string | null;
	createdAt: string;
	updatedAt: string;
}

/** GET /events: newest first; with ?since=<cursor>, what changed since, oldest change first. */
export interface EventListJson {
	events: EventSummaryJson[];
	/** Pass back as ?since= to get what changed after this answer. */
	cursor: number;
	/** More changes than `limit` since the cursor: ask again at once. */
	more: boolean;
}

/** A Notion request one attempt of a run made. */
export interface NotionRequestJson {
	attempt: number;
	method: string;
	path: string;
	status: number | null;
	error: string | null;
	durationMs: number;
	sentAt: string;
}

/** GET /events/:id */
export interface EventDetailJson {
	event: EventSummaryJson & { payload: unknown; requests: NotionRequestJson[] };
}

/** POST /console/test */
export interface TestDeliveryRequest {
	route: string;
	pageId: string;
	options?: Record<string, string>;
	dryRun?: boolean;
}

/** POST /console/test with dryRun: what a run would write now, nothing sent. */
export interface DryRunJson {
	dryRun: true;
	route: string;
	pageId: string;
	result: { status: "done" | "ignored" | "failed"; note: string | null };
	writes: { method: string; path: string; body: unknown }[];
	requests: Omit<NotionRequestJson, "attempt">[];
}

/** POST /console/test without dryRun: recorded and queued like a delivery from Notion. */
export interface TestQueuedJson {
	ok: true;
	event: string;
	status: "queued";
}
