import { createDb } from "../../src/db/client";
import { checkDatabase } from "../../src/db/health";
import { createApp } from "../../src/http/app";
import { projectsRoutes } from "./routes/projects";

export type CodegenEnv = { Bindings: CodegenBindings };

const app = createApp<CodegenEnv>()
	.get("/healthz", async (c) => {
		await checkDatabase(createDb(c.env.DB));
		return c.json({ ok: true, worker: "codegen" });
	})
	.route("/api/projects", projectsRoutes);

/** The route types, for the SPA's Hono RPC client (`import type` only). */
export type CodegenApp = typeof app;

export default app;
