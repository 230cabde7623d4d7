import { createApp } from "../../../src/http/app";
import { parseVersionNumber } from "../../../src/http/params";
import { projectFromHost } from "../../../src/shared/api";
import { type CodegenEnv, withDb } from "../context";
import { DATA_CLIENT_JS } from "../data-client";
import { serveLatest, servePinned } from "../serve";
import { dataRoutes } from "./data";

/** The project whose own origin a request was sent to, if any. */
export function hostProject(requestUrl: string, pattern: string | undefined): string | null {
	return projectFromHost(new URL(requestUrl).host, pattern);
}

/**
 * Everything a project's own origin (`<project>.localhost:8787`, or
 * `<project>.<your apps domain>`) answers: the app, its pinned versions, and
 * its data store. Nothing else of Kiln is reachable from there.
 */
export const appOriginApp = createApp<CodegenEnv>()
	.use(withDb)
	.use(async (c, next) => {
		c.set("projectId", hostProject(c.req.url, c.env.PROJECT_ORIGIN) as string);
		await next();
	})
	.get("/", (c) => serveLatest(c, c.get("projectId"), "origin"))
	.get("/v/:n", (c) => servePinned(c, c.get("projectId"), parseVersionNumber(c.req.param("n")), "origin"))
	.get("/_kiln/db.js", () => dataClient())
	.route("/_kiln/data", dataRoutes);

export function dataClient(): Response {
	return new Response(DATA_CLIENT_JS, {
		headers: {
			"Content-Type": "text/javascript; charset=utf-8",
			"Cache-Control": "public, max-age=300",
			"X-Content-Type-Options": "nosniff",
		},
	});
}
