/**
 * What the console shows of a run's Notion requests: each request's method,
 * path, status and error, redacted like the event log's `last_error`, bounded
 * per attempt, and stored in `notion_requests` beside the event.
 */
import type { Db } from "../../src/db/client";
import { type NewRequest, recordRequests } from "../../src/db/notion";
import { redact } from "../../src/http/redact";
import type { RequestRecord } from "./api/client";

/** Requests kept per attempt; failed ones are kept beyond it (a bulk run may make thousands). */
export const REQUESTS_KEPT = 100;

export interface RequestLog {
	onRequest: (r: RequestRecord) => void;
	rows: NewRequest[];
}

/** Collects a run's requests, their errors redacted of tokens and these secrets. */
export function requestLog(secrets: readonly (string | null | undefined)[]): RequestLog {
	const rows: NewRequest[] = [];
	return {
		rows,
		onRequest(r) {
			const failed = r.status === null || r.status >= 400;
			if (rows.length >= REQUESTS_KEPT && !failed) return;
			rows.push({ ...r, error: r.error === null ? null : redact(r.error, { secrets }) });
		},
	};
}

/** Stores an attempt's requests; a failure is logged, never the run's. */
export async function saveRequests(db: Db, eventId: string, attempt: number, log: RequestLog): Promise<void> {
	try {
		await recordRequests(db, eventId, attempt, log.rows);
	} catch (err) {
		console.error(`notion: could not record the requests of event ${eventId}: ${(err as Error).name}`);
	}
}
