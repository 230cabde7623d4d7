import { createApp } from "../../../src/http/app";
import { parseVersionNumber } from "../../../src/http/params";
import { serveAppApi } from "../app-server";
import { type CodegenEnv, readFrom, withDb } from "../context";
import { dataClient } from "../data-client";
import { hostProject } from "../links";
import { serveLatest, servePinned } from "../serve";
import { refuseTakenDown } from "../takedown";
import { dataRoutes } from "./data";

/**
 * Everything a project's own origin (`<project>.localhost:8787`, or
 * `<project>.<your apps domain>`) answers: the app, its pinned versions, its
 * server's API, and its data store. Nothing else of Kiln is reachable from there.
 *
 * Pinned pages live at `/v/:n/` (`/v/:n` redirects there), so the relative
 * `api/...` URLs the model is taught reach `/v/:n/api/...`, version n's own
 * server; the latest page at `/` reaches `/api/...`, the latest server.
 */
export const appOriginApp = createApp<CodegenEnv>()
	.use(withDb)
	.use(async (c, next) => {
		c.set("projectId", hostProject(c.req.url, c.env.PROJECT_ORIGIN) as string);
		await next();
	})
	.get("/", (c) => serveLatest(c, c.get("projectId"), "origin"))
	.get("/v/:n", (c) => pinnedRedirect(`/v/${parseVersionNumber(c.req.param("n"))}/`))
	.get("/v/:n/", (c) => servePinned(c, c.get("projectId"), parseVersionNumber(c.req.param("n")), "origin"))
	.all("/api/*", (c) => serveAppApi(c, c.get("projectId"), "latest"))
	.all("/v/:n/api/*", (c) => serveAppApi(c, c.get("projectId"), parseVersionNumber(c.req.param("n"))))
	.get("/_kiln/db.js", () => dataClient())
	// The documents live in the project's own object; a write checks its project in D1 on the primary,
	// so a project made a moment ago is never refused by a replica that has not caught up.
	.use("/_kiln/data/*", readFrom("primary"))
	.use("/_kiln/data/*", refuseTakenDown)
	.route("/_kiln/data", dataRoutes);

/** A pinned version's canonical URL ends in a slash; it never changes, so the redirect is permanent. */
export function pinnedRedirect(location: string): Response {
	return new Response(null, {
		status: 301,
		headers: { Location: location, "Cache-Control": "public, max-age=31536000, immutable" },
	});
}
