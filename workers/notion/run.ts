/**
 * Running a recorded event: claim it (so a queue message delivered twice runs
 * once), do its Notion work, and record how it ended. Used by the queue
 * consumer, and so by replays from the event log.
 */
import { createDb } from "../../src/db/client";
import { claimEvent, finishEvent, type NotionEvent } from "../../src/db/notion";
import { redact } from "../../src/http/redact";
import { describeError, isTransient } from "./api/client";
import { automationByPath } from "./automations";
import { PermanentError, RetryLater, type RunContext, type RunResult } from "./automations/contract";
import { handleIntegrationEvent } from "./integration";
import { automationPayload, integrationEvent } from "./payloads";
import type { EventMessage } from "./queue";
import { parseRoute } from "./receive";
import { type RequestLog, requestLog, saveRequests } from "./requests";
import { runContext, secretValues, settings } from "./settings";

/** done/ignored/failed-for-good need no more tries; "retry" asks the queue for another. */
export type Outcome = "done" | "ignored" | "failed" | "retry" | "skipped";

export async function runEvent(env: NotionBindings, eventId: string): Promise<Outcome> {
	const db = createDb(env.DB);
	const event = await claimEvent(db, eventId);
	if (!event) return "skipped";
	const secrets = secretValues(env);
	const log = requestLog(secrets);
	let status: "done" | "ignored" | "failed";
	let note: string | null;
	let outcome: Outcome;
	try {
		const result = await dispatch(env, event, log);
		status = outcome = result.status;
		// A note may quote what Notion or a website answered: it is stored like any upstream text.
		note = result.note ? redact(result.note, { secrets }) : null;
	} catch (err) {
		const transient = err instanceof RetryLater || (!(err instanceof PermanentError) && isTransient(err));
		status = "failed";
		note = describeError(err, secrets);
		if (!transient) console.error(`notion: event ${event.id} failed: ${note}`);
		outcome = transient ? "retry" : "failed";
	}
	// Before the status changes, so a finished run's requests are there when someone looks.
	await saveRequests(db, event.id, event.attempts, log);
	await finishEvent(db, event.id, status, note);
	return outcome;
}

async function dispatch(env: NotionBindings, event: NotionEvent, log: RequestLog): Promise<RunResult> {
	const ctx = await runContext(env, { eventId: event.id, onRequest: log.onRequest });
	return runAutomation(ctx, env, event.source, event.route, JSON.parse(event.payload) as unknown);
}

/** Runs what a recorded (or, from the console, a trial) payload asks for. */
export async function runAutomation(
	ctx: RunContext,
	env: NotionBindings,
	source: string,
	route: string,
	body: unknown,
): Promise<RunResult> {
	if (source === "integration") {
		const ev = integrationEvent.parse(body);
		return handleIntegrationEvent(ctx, settings(env).token as string, ev);
	}
	const { path, options } = parseRoute(route);
	const automation = automationByPath.get(path);
	if (!automation) throw new PermanentError(`No automation at ${path}.`);
	return automation.run(ctx, automationPayload.parse(body) as never, options);
}

/** Queue consumer: each message names one recorded event. */
export async function consumeBatch(batch: MessageBatch<EventMessage>, env: NotionBindings): Promise<void> {
	await Promise.all(
		batch.messages.map(async (msg) => {
			let outcome: Outcome;
			try {
				outcome = await runEvent(env, msg.body.eventId);
			} catch (err) {
				// D1 itself failed: leave the event as it is and try again later.
				console.error(`notion: could not run event ${msg.body.eventId}: ${describeError(err, secretValues(env))}`);
				outcome = "retry";
			}
			if (outcome === "retry") msg.retry({ delaySeconds: Math.min(30 * 2 ** (msg.attempts - 1), 3600) });
			else msg.ack();
		}),
	);
}
