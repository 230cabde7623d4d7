/** Handing recorded events to the queue consumer. */
import { rootCause } from "../../src/http/errors";

export interface EventMessage {
	eventId: string;
}

/**
 * Queues events for their Notion work. A failure is logged, not thrown: the
 * events are recorded as pending, and the cron sweep re-queues pending events
 * whose message never arrived, so the caller can still answer 2xx.
 */
export async function enqueue(env: NotionBindings, ids: string[]): Promise<boolean> {
	if (ids.length === 0) return true;
	try {
		await env.NOTION_EVENTS.sendBatch(ids.map((eventId) => ({ body: { eventId } satisfies EventMessage })));
		return true;
	} catch (err) {
		console.error(`notion: could not queue ${ids.length} event(s): ${rootCause(err)}`);
		return false;
	}
}
