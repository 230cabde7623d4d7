import { createDb } from "../../src/db/client";
import { checkDatabase } from "../../src/db/health";
import { createApp } from "../../src/http/app";

export type NotionEnv = { Bindings: NotionBindings };

const app = createApp<NotionEnv>().get("/healthz", async (c) => {
	await checkDatabase(createDb(c.env.DB));
	return c.json({ ok: true, worker: "notion" });
});

export default app;
