/**
 * The console's test deliveries: an automation run on a page the operator
 * names, with the payload Notion would send for it (the page as Notion reads
 * it: id, parent, every property).
 * - A real one is recorded and queued like a delivery from Notion, so it shows
 *   in the event log with its requests and can be replayed.
 * - A dry run runs the automation now with a client that sends reads and only
 *   notes writes (api/dry-run.ts), and records nothing in D1 but favicon
 *   lookups (a cache of what websites say). It answers what would be written.
 */
import { createDb } from "../../src/db/client";
import { recordEvent } from "../../src/db/notion";
import { describeIssues, HttpError } from "../../src/http/errors";
import type { DryRunJson, TestQueuedJson } from "../../src/shared/notion-console";
import { describeError, isNotFound } from "./api/client";
import type { DryRunNotion } from "./api/dry-run";
import type { Automation, RunContext } from "./automations/contract";
import { automationPayload } from "./payloads";
import { enqueue } from "./queue";
import { routeWithOptions } from "./receive";
import { requestLog } from "./requests";
import { runContext, secretValues, settings } from "./settings";

export interface Trial {
	automation: Automation;
	pageId: string;
	options: Record<string, string>;
	dryRun: boolean;
}

/** Runs a test delivery: a dry run's report, or the recorded event. */
export async function runTrial(env: NotionBindings, t: Trial): Promise<DryRunJson | TestQueuedJson> {
	if (!settings(env).token) {
		throw new HttpError(503, "not_configured", "NOTION_TOKEN is not set: the Worker cannot read the page.");
	}
	const secrets = secretValues(env);
	const log = requestLog(secrets);
	const ctx = await runContext(env, { dryRun: t.dryRun, onRequest: log.onRequest });
	const payload = await payloadFor(ctx, t, secrets);
	if (!t.dryRun) return queueTrial(env, t, payload);

	let result: DryRunJson["result"];
	try {
		const r = await t.automation.run(ctx, payload as never, t.options);
		result = { status: r.status, note: r.note ?? null };
	} catch (err) {
		result = { status: "failed", note: describeError(err, secrets) };
	}
	return {
		dryRun: true,
		route: routeWithOptions(t.automation.path, t.options),
		pageId: t.pageId,
		result,
		writes: (ctx.notion as DryRunNotion).writes,
		requests: log.rows.map((r) => ({ ...r, sentAt: new Date(r.sentAt).toISOString() })),
	};
}

/** The body a "Send webhook" action would send for the page, checked as a delivery's is. */
async function payloadFor(ctx: RunContext, t: Trial, secrets: (string | undefined)[]) {
	let page: unknown;
	try {
		page = await ctx.notion.retrievePage(t.pageId);
	} catch (err) {
		if (isNotFound(err)) {
			throw new HttpError(
				404,
				"page_not_found",
				`Notion has no page ${t.pageId} shared with the integration (page menu → Connections).`,
			);
		}
		throw new HttpError(502, "notion_error", `Could not read the page: ${describeError(err, secrets)}`);
	}
	const body = {
		source: {
			type: "automation",
			automation_id: "kiln-console",
			event_id: `console-${crypto.randomUUID()}`,
			attempt: 1,
		},
		data: page,
	};
	const parsed = automationPayload.safeParse(body);
	if (!parsed.success) throw new HttpError(400, "invalid_payload", describeIssues(parsed.error.issues));
	const problem = t.automation.check?.(parsed.data as never, t.options);
	if (problem) throw new HttpError(400, "invalid_payload", problem);
	return parsed.data;
}

async function queueTrial(env: NotionBindings, t: Trial, payload: { source?: { event_id?: string } }) {
	const route = routeWithOptions(t.automation.path, t.options);
	const id = `${route}:${payload.source?.event_id}`;
	await recordEvent(createDb(env.DB), { id, source: "automation", route, payload: JSON.stringify(payload) });
	await enqueue(env, [id]);
	return { ok: true, event: id, status: "queued" } satisfies TestQueuedJson;
}
