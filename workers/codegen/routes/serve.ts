import { Hono } from "hono";
import { parseProjectId, parseVersionNumber } from "../../../src/http/params";
import { projectOrigin } from "../../../src/shared/api";
import { SANDBOX_CORS, serveAppApi } from "../app-server";
import type { CodegenEnv } from "../context";
import { serveLatest, servePinned } from "../serve";
import { pinnedRedirect } from "./app-origin";

/**
 * `/p/:project` and `/p/:project/v/:n` on Kiln's own origin: the share links.
 * Where the project has its own origin they redirect there (the app must not
 * run on Kiln's origin). Otherwise the app runs here, sandboxed, at
 * `/p/:project/` and `/p/:project/v/:n/` (the slash-less forms redirect), and
 * its server's API at `/p/:project/api/...` and `/p/:project/v/:n/api/...`:
 * the page's relative `api/...` URLs land there, apart from Kiln's own /api/*.
 */
export const serveRoutes = new Hono<CodegenEnv>()
	.get("/:project", (c) => {
		const project = parseProjectId(c.req.param("project"));
		const own = projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN);
		return redirect(own ? `${own}/` : `/p/${project}/`);
	})
	.get("/:project/", async (c) => {
		const project = parseProjectId(c.req.param("project"));
		const own = projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN);
		if (own) return redirect(`${own}/`);
		return serveLatest(c, project, "sandbox");
	})
	.get("/:project/v/:n", (c) => {
		const project = parseProjectId(c.req.param("project"));
		const n = parseVersionNumber(c.req.param("n"));
		const own = projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN);
		return own ? redirect(`${own}/v/${n}/`) : pinnedRedirect(`/p/${project}/v/${n}/`);
	})
	.get("/:project/v/:n/", async (c) => {
		const project = parseProjectId(c.req.param("project"));
		const n = parseVersionNumber(c.req.param("n"));
		const own = projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN);
		if (own) return redirect(`${own}/v/${n}/`);
		return servePinned(c, project, n, "sandbox");
	})
	.use("/:project/api/*", sandboxOnly)
	.use("/:project/v/:n/api/*", sandboxOnly)
	.all("/:project/api/*", (c) => serveAppApi(c, parseProjectId(c.req.param("project")), "latest"))
	.all("/:project/v/:n/api/*", (c) =>
		serveAppApi(c, parseProjectId(c.req.param("project")), parseVersionNumber(c.req.param("n"))),
	);

/**
 * An app's API under /p/ exists only where the app runs here: a sandboxed page
 * has an opaque origin, so its calls are cross-origin (CORS, no credentials).
 * Where the project has its own origin, its API is there and only there.
 */
async function sandboxOnly(c: import("hono").Context<CodegenEnv>, next: () => Promise<void>) {
	const project = parseProjectId(c.req.param("project") as string);
	if (projectOrigin(project, c.req.url, c.env.PROJECT_ORIGIN)) {
		return c.json({ error: { code: "not_found", message: "This app's server answers on the app's own origin." } }, 404);
	}
	if (c.req.method === "OPTIONS") return new Response(null, { status: 204, headers: SANDBOX_CORS });
	await next();
	c.res.headers.set("Access-Control-Allow-Origin", "*");
}

function redirect(location: string): Response {
	return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-cache" } });
}
