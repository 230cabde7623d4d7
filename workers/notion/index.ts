/**
 * The notion Worker: Notion automation webhooks and integration events in,
 * Notion API writes out. `fetch` verifies, records and queues; `queue` does
 * the Notion work; `scheduled` sweeps per-block state. See README.md beside this file.
 */
import { createDb } from "../../src/db/client";
import { checkDatabase } from "../../src/db/health";
import { createApp } from "../../src/http/app";
import { automations } from "./automations";
import type { NotionEnv } from "./context";
import type { EventMessage } from "./queue";
import { automationRoutes } from "./routes/automations";
import { consoleRoutes } from "./routes/console";
import { events } from "./routes/events";
import { verification } from "./routes/verification";
import { webhooks } from "./routes/webhooks";
import { consumeBatch } from "./run";
import { sweep } from "./sweep";

export { NotionRateLimiter } from "./api/limiter";
export type { NotionEnv };

const app = createApp<NotionEnv>()
	.get("/healthz", async (c) => {
		await checkDatabase(createDb(c.env.DB));
		return c.json({ ok: true, worker: "notion" });
	})
	.route("/", automationRoutes(automations))
	.route("/", webhooks)
	.route("/", events)
	.route("/", verification)
	.route("/console", consoleRoutes);

export default {
	fetch: app.fetch,
	async queue(batch, env, _ctx) {
		await consumeBatch(batch, env);
	},
	async scheduled(controller, env, ctx) {
		ctx.waitUntil(
			sweep(env, controller.scheduledTime).then((r) =>
				console.log(
					`notion sweep: checked ${r.checked}, deleted ${r.deleted}, kept ${r.kept}, errors ${r.errors.length}, requeued ${r.requeued}, expired events ${r.expired} (requests ${r.expiredRequests}), expired claims ${r.expiredClaims}`,
				),
			),
		);
	},
} satisfies ExportedHandler<NotionBindings, EventMessage>;
