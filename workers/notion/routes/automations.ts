/** POST /<automation path> for each automation (the list is in ../automations). */
import { Hono } from "hono";
import type { Automation } from "../automations/contract";
import type { NotionEnv } from "../context";
import { receiveAutomation } from "../receive";

/** One POST route per automation. */
export function automationRoutes(automations: Automation[]) {
	const app = new Hono<NotionEnv>();
	for (const a of automations) app.post(a.path, (c) => receiveAutomation(c, a));
	return app;
}
