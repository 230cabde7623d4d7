import { Hono } from "hono";
import type { Db } from "../../../src/db/client";
import { setDisabled } from "../../../src/db/project-state";
import { getProject } from "../../../src/db/projects";
import { requireOperator } from "../../../src/http/auth";
import { readJson } from "../../../src/http/body";
import { describeIssues, HttpError } from "../../../src/http/errors";
import { parseProjectId } from "../../../src/http/params";
import { type TakedownJson, takedownRequest } from "../../../src/shared/api";
import type { CodegenEnv } from "../context";
import { noteProjectState } from "../project-state";

/**
 * The operator's takedown, at /api/admin/projects/:project, with
 * `Authorization: Bearer <KILN_OPERATOR_TOKEN>` (the credential the Notion
 * event log uses too): `GET` the state, `POST /disable` `{"reason"}`, `POST
 * /enable`. A disabled app's pages, server and data answer 410; nothing of it
 * is deleted, and enabling it brings it all back.
 */
export const adminRoutes = new Hono<CodegenEnv>()
	.use(async (c, next) => {
		await requireOperator(c.req.raw, c.env.KILN_OPERATOR_TOKEN);
		c.header("Cache-Control", "no-store");
		await next();
	})
	.get("/projects/:project", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const project = await c.get("d1").find((db) => getProject(db, id));
		if (!project) throw projectNotFound(id);
		return c.json(takedownJson(id, project.disabledAt, project.disabledReason));
	})
	.post("/projects/:project/disable", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		const raw = await readJson(c.req.raw, { requireJsonType: true, maxBytes: 16 * 1024 });
		const parsed = takedownRequest.safeParse(raw);
		if (!parsed.success) throw new HttpError(400, "invalid_request", describeIssues(parsed.error.issues));
		return c.json(await apply(c.get("db"), id, parsed.data.reason.trim()));
	})
	.post("/projects/:project/enable", async (c) => {
		const id = parseProjectId(c.req.param("project"));
		return c.json(await apply(c.get("db"), id, null));
	});

async function apply(db: Db, id: string, reason: string | null): Promise<TakedownJson> {
	const done = await setDisabled(db, id, reason);
	if (!done) throw projectNotFound(id);
	noteProjectState(id, done);
	console.log(JSON.stringify({ event: "takedown", project: id, disabled: reason !== null }));
	return takedownJson(id, done.disabledAt, done.disabledReason);
}

function takedownJson(id: string, disabledAt: number | null, reason: string | null): TakedownJson {
	return { project: id, disabled: disabledAt === null ? null : { at: disabledAt, reason: reason ?? "" } };
}

function projectNotFound(id: string) {
	return new HttpError(404, "project_not_found", `No project "${id}".`);
}
