import { Hono } from "hono";
import { cors } from "hono/cors";
import { getProject, getProjectAndVersion, listVersions } from "../../../src/db/projects";
import { readJson } from "../../../src/http/body";
import { HttpError } from "../../../src/http/errors";
import { parseProjectId, parseVersionNumber } from "../../../src/http/params";
import { type ProjectJson, projectOrigin, type RemixResponse, remixRequest } from "../../../src/shared/api";
import { type CodegenEnv, readFrom } from "../context";
import { appLinks } from "../links";
import { clientKey, rateLimit } from "../rate-limit";
import { remix } from "../remix";
import { refuseTakenDown, takenDownError } from "../takedown";
import { dataRoutes } from "./data";
import { databaseRoutes } from "./database";
import { logsRoutes } from "./logs";
import { secretsRoutes } from "./secrets";

/** What a sandboxed app's data calls may do cross-origin (its origin is opaque: "null"). */
const sandboxCors = cors({
	origin: "*",
	allowMethods: ["GET", "PUT", "DELETE"],
	allowHeaders: ["content-type"],
	maxAge: 86400,
});

/**
 * JSON API over projects for the SPA: a project with its versions, one version
 * with its code, remix; the project's data store under /data, and its SQL
 * database's download and reset (owner only) under /database.
 */
export const projectsRoutes = new Hono<CodegenEnv>()
	.get("/:project", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const project = await c.get("d1").find((db) => getProject(db, id));
		if (!project) throw projectNotFound(id);
		// The same session (the primary's, if the project was found only there): its versions are at least as new.
		const db = c.get("db");
		const { editTokenHash: _secret, secretsRevision: _revision, disabledAt, disabledReason, ...publicFields } = project;
		const pattern = c.env.PROJECT_ORIGIN;
		const disabled = disabledAt === null ? null : { at: disabledAt, reason: disabledReason ?? "" };
		const body: ProjectJson = {
			project: { ...publicFields, disabled, ...appLinks(c.req.url, id, pattern) },
			versions: (await listVersions(db, id)).map(({ id: _rowId, projectId: _p, ...v }) => ({
				...v,
				...pick(appLinks(c.req.url, id, pattern, v.number)),
			})),
		};
		c.header("Cache-Control", "no-store");
		return c.json(body);
	})
	.get("/:project/versions/:n", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const n = parseVersionNumber(c.req.param("n"));
		const found = await c.get("d1").find(async (db) => {
			const both = await getProjectAndVersion(db, id, n);
			return both?.version ? { project: both.project, version: both.version } : null;
		});
		if (!found) throw new HttpError(404, "version_not_found", `Project "${id}" has no version ${n}.`);
		// A taken-down app's code is not handed out either (its owner keeps it: nothing is deleted).
		if (found.project.disabledAt !== null) throw takenDownError();
		const { version } = found;
		return c.json({ version: { ...version, ...pick(appLinks(c.req.url, id, c.env.PROJECT_ORIGIN, n)) } });
	})
	/** Remix (see ../remix.ts). Anyone may remix. */
	.post("/:project/remix", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const raw = await readJson(c.req.raw, { allowEmpty: true, requireJsonType: true });
		const parsed = remixRequest.safeParse(raw ?? {});
		if (!parsed.success)
			throw new HttpError(400, "invalid_request", parsed.error.issues[0]?.message ?? "Invalid request.");
		await rateLimit(c.env.GENERATE_LIMITER, clientKey(c.req.raw), "new projects");
		const remixed = await remix(c.get("db"), id, parsed.data.fromVersion);
		const body: RemixResponse = {
			...remixed,
			appUrl: appLinks(c.req.url, remixed.project, c.env.PROJECT_ORIGIN).appUrl,
		};
		c.header("Cache-Control", "no-store");
		return c.json(body, 201);
	})
	// The documents live in the project's own object; a write checks its project in D1 on the primary,
	// so a project made a moment ago is never refused by a replica that has not caught up.
	.use("/:project/data/*", readFrom("primary"))
	.use("/:project/data/*", async (c, next) => {
		const id = parseProjectId(c.req.param("project") as string);
		c.set("projectId", id);
		// Only a sandboxed app (an opaque origin, so every request is cross-origin) needs CORS
		// here; where projects have their own origins, other sites get no access.
		if (!projectOrigin(id, c.req.url, c.env.PROJECT_ORIGIN)) return sandboxCors(c, next);
		await next();
	})
	.use("/:project/data/*", refuseTakenDown)
	.route("/:project/data", dataRoutes)
	.route("/:project/database", databaseRoutes)
	.route("/:project/secrets", secretsRoutes)
	.route("/:project/logs", logsRoutes);

function pick(links: { appUrl: string; shareUrl: string }) {
	return { appUrl: links.appUrl, shareUrl: links.shareUrl };
}

function projectNotFound(id: string) {
	return new HttpError(404, "project_not_found", `No project "${id}".`);
}
