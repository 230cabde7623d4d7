import { checkDatabase } from "../../src/db/health";
import { createApp } from "../../src/http/app";
import { type CodegenEnv, carryBookmark, withDb } from "./context";
import { dataClient } from "./data-client";
import { hostProject } from "./links";
import { adminRoutes } from "./routes/admin";
import { appOriginApp } from "./routes/app-origin";
import { generateRoutes } from "./routes/generate";
import { metaRoutes } from "./routes/meta";
import { projectsRoutes } from "./routes/projects";
import { serveRoutes } from "./routes/serve";

/** Each project's SQL database (a SQLite Durable Object per project, APP_DB). */
export { AppDatabase } from "./app-db/object";
export type { CodegenEnv } from "./context";
/** Each project's server log (a SQLite Durable Object per project, APP_LOGS), and the sandboxes' Tail Worker that fills it. */
export { AppLogs } from "./logs/object";
export { AppTail } from "./logs/tail";
/** The sandbox's outbound fetch, document store and SQL database (loopback entrypoints handed to apps' server code). */
export { AppData, AppOutbound, AppSql } from "./sandbox/entrypoints";

const app = createApp<CodegenEnv>()
	.use(withDb)
	// Kiln's API reads after the client's bookmark and answers with its own (context.ts).
	.use("/api/*", carryBookmark)
	.get("/healthz", async (c) => {
		await checkDatabase(c.get("db"));
		return c.json({ ok: true, worker: "codegen" });
	})
	.route("/api/generate", generateRoutes)
	.route("/api/projects", projectsRoutes)
	.route("/api/admin", adminRoutes)
	.route("/api", metaRoutes)
	.route("/p", serveRoutes)
	.get("/_kiln/db.js", () => dataClient());

/** The route types, for the SPA's Hono RPC client (`import type` only). */
export type CodegenApp = typeof app;

export default {
	/** A project's own origin answers only for that project (routes/app-origin.ts); everything else is Kiln's API. */
	fetch(request: Request, env: CodegenBindings, ctx: ExecutionContext): Response | Promise<Response> {
		if (hostProject(request.url, env.PROJECT_ORIGIN)) return appOriginApp.fetch(request, env, ctx);
		return app.fetch(request, env, ctx);
	},
};
