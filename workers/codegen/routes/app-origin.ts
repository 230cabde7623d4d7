import { createApp } from "../../../src/http/app";
import { parseVersionNumber } from "../../../src/http/params";
import { type CodegenEnv, withDb } from "../context";
import { dataClient } from "../data-client";
import { hostProject } from "../links";
import { serveLatest, servePinned } from "../serve";
import { dataRoutes } from "./data";

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
