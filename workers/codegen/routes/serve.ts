import { Hono } from "hono";
import { parseProjectId, parseVersionNumber } from "../../../src/http/params";
import { projectOrigin } from "../../../src/shared/api";
import type { CodegenEnv } from "../context";
import { serveLatest, servePinned } from "../serve";

/**
 * `/p/:project` and `/p/:project/v/:n` on Kiln's own origin: the share links.
 * Where the project has its own origin they redirect there (the app must not
 * run on Kiln's origin); otherwise they serve the app sandboxed.
 */
export const serveRoutes = new Hono<CodegenEnv>()
	.get("/:project", async (c) => {
		const project = parseProjectId(c.req.param("project"));
		const own = projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN);
		if (own) return redirect(`${own}/`);
		return serveLatest(c, project, "sandbox");
	})
	.get("/:project/v/:n", async (c) => {
		const project = parseProjectId(c.req.param("project"));
		const n = parseVersionNumber(c.req.param("n"));
		const own = projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN);
		if (own) return redirect(`${own}/v/${n}`);
		return servePinned(c, project, n, "sandbox");
	});

function redirect(location: string): Response {
	return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-cache" } });
}
