/**
 * The Cron Trigger's work.
 * 1. Per-block state whose block is gone is deleted: "gone" is Notion saying
 *    object_not_found, or the block being in the trash (`in_trash`, or
 *    `archived` on older shapes). A 401, a 429, a 5xx or a timeout proves
 *    nothing, so it deletes nothing (and is not retried: the next sweep is
 *    the retry).
 * 2. Events that were recorded but never ran (their queue message was lost,
 *    or the consumer died mid-run) are queued again.
 * 3. Events over for longer than the retention period are deleted (never a
 *    pending or running one), with the Notion requests of their runs; and so
 *    are append claims in doubt for as long (their events gave up; see blocks.ts).
 */
import { createDb } from "../../src/db/client";
import {
	deleteBlockState,
	deleteExpiredClaims,
	deleteExpiredEvents,
	deleteOrphanRequests,
	listBlockStates,
	reclaimStuckEvents,
	touchBlockState,
} from "../../src/db/notion";
import { describeError, isNotFound } from "./api/client";
import { isTrashed } from "./blocks";
import { enqueue } from "./queue";
import { runContext, secretValues, settings } from "./settings";

export interface SweepReport {
	checked: number;
	deleted: number;
	kept: number;
	/** States left alone because Notion could not answer for them. */
	errors: { blockId: string; error: string }[];
	requeued: number;
	/** Finished events deleted for being older than EVENT_RETENTION_MS. */
	expired: number;
	/** Notion requests deleted with their events. */
	expiredRequests: number;
	/** Append claims deleted for being in doubt for longer than that. */
	expiredClaims: number;
}

/** How many states one sweep checks (each costs a Notion request). */
export const SWEEP_BATCH = 50;
/**
 * How long a finished event stays in the log (and so deduplicates a redelivery).
 * Notion retries an integration event for up to a day: a week is well past that,
 * and long enough to look back at a failure.
 */
export const EVENT_RETENTION_MS = 7 * 24 * 3600_000;

export async function sweep(env: NotionBindings, now = Date.now()): Promise<SweepReport> {
	const db = createDb(env.DB);
	const report: SweepReport = {
		checked: 0,
		deleted: 0,
		kept: 0,
		errors: [],
		requeued: 0,
		expired: 0,
		expiredRequests: 0,
		expiredClaims: 0,
	};

	const states = await listBlockStates(db, SWEEP_BATCH);
	if (states.length && env.NOTION_TOKEN) {
		const ctx = await runContext(env);
		for (const s of states) {
			report.checked++;
			let gone: boolean;
			try {
				gone = isTrashed(await ctx.notion.retrieveBlock(s.blockId, { retry: false }));
			} catch (err) {
				if (isNotFound(err)) {
					gone = true;
				} else {
					report.errors.push({ blockId: s.blockId, error: describeError(err, secretValues(env)) });
					continue;
				}
			}
			if (gone) {
				await deleteBlockState(db, s.route, s.parentId, s.blockId);
				report.deleted++;
			} else {
				await touchBlockState(db, s.route, s.parentId);
				report.kept++;
			}
		}
	}

	const { pendingStuckMs, runningStuckMs } = settings(env);
	const stuck = await reclaimStuckEvents(db, now, pendingStuckMs, runningStuckMs);
	if (stuck.length && (await enqueue(env, stuck))) report.requeued = stuck.length;
	report.expired = await deleteExpiredEvents(db, now - EVENT_RETENTION_MS);
	report.expiredRequests = await deleteOrphanRequests(db);
	report.expiredClaims = await deleteExpiredClaims(db, now - EVENT_RETENTION_MS);
	return report;
}
