import { Hono } from "hono";
import { createDb } from "../../../src/db/client";
import { getProject, getVersion, listVersions } from "../../../src/db/projects";
import { HttpError } from "../../../src/http/errors";
import { parseProjectId, parseVersionNumber } from "../../../src/http/params";
import type { CodegenEnv } from "../index";

/** Read-only JSON API over projects and their versions, for the SPA. */
export const projectsRoutes = new Hono<CodegenEnv>()
	.get("/:project", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const db = createDb(c.env.DB);
		const project = await getProject(db, id);
		if (!project) throw projectNotFound(id);
		const { editTokenHash: _secret, ...publicFields } = project;
		return c.json({ project: publicFields, versions: await listVersions(db, id) });
	})
	.get("/:project/versions/:n", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const n = parseVersionNumber(c.req.param("n"));
		const version = await getVersion(createDb(c.env.DB), id, n);
		if (!version) throw new HttpError(404, "version_not_found", `Project "${id}" has no version ${n}.`);
		return c.json({ version });
	});

function projectNotFound(id: string) {
	return new HttpError(404, "project_not_found", `No project "${id}".`);
}
