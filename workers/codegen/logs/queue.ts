/**
 * Log writes, gathered in this isolate for `FLUSH_MS` and sent to each
 * project's log object in one call (one transaction): a busy app's requests
 * cost its log object a write every `FLUSH_MS`, not two per request. Nothing
 * waits for it: the flush runs in the `waitUntil` of the request (or tail
 * event) that started the batch. Log entries are best effort: an isolate that
 * is stopped before its flush loses that batch, and a project's batch keeps at
 * most `LOG_MAX_ENTRIES` of each report (the log keeps no more anyway).
 */
import { LOG_MAX_ENTRIES } from "../../../src/shared/secrets";
import type { RequestFacts, RuntimeReport } from "./entry";
import { appLogs } from "./object";

export const FLUSH_MS = 200;

interface Batch {
	facts: RequestFacts[];
	reports: RuntimeReport[];
}

let pending = new Map<string, Batch>();
let scheduled = false;

export function queueLog(
	namespace: CodegenBindings["APP_LOGS"],
	ctx: { waitUntil(promise: Promise<unknown>): void },
	project: string,
	item: { facts: RequestFacts } | { report: RuntimeReport },
): void {
	let batch = pending.get(project);
	if (!batch) {
		batch = { facts: [], reports: [] };
		pending.set(project, batch);
	}
	const list: unknown[] = "facts" in item ? batch.facts : batch.reports;
	list.push("facts" in item ? item.facts : item.report);
	if (list.length > LOG_MAX_ENTRIES) list.shift();
	if (scheduled) return;
	scheduled = true;
	ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, FLUSH_MS)).then(() => flush(namespace)));
}

async function flush(namespace: CodegenBindings["APP_LOGS"]): Promise<void> {
	const batches = pending;
	pending = new Map();
	scheduled = false;
	await Promise.all(
		[...batches].map(([project, b]) =>
			appLogs(namespace, project)
				.write(b.facts, b.reports)
				.catch((err: unknown) => console.error(`app log write failed: ${err instanceof Error ? err.name : "error"}`)),
		),
	);
}
