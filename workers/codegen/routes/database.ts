import { Hono } from "hono";
import { getProject } from "../../../src/db/projects";
import { HttpError } from "../../../src/http/errors";
import { parseProjectId } from "../../../src/http/params";
import { DUMP_TYPES, type DumpFormat, dumpStream } from "../app-db/dump";
import { appDatabase } from "../app-db/object";
import type { CodegenEnv } from "../context";
import { requireEditToken } from "../owner";

const OWNER_ONLY = "The app's database is its owner's to download or reset: send Authorization: Bearer <editToken>.";

/**
 * The owner's hold on the app's SQL database (the one its server code uses as
 * env.DB), at /api/projects/:project/database: download it (`GET`,
 * `?format=sql|json`) or empty it (`POST /reset`). Both need the edit token;
 * a refused request reads and changes nothing.
 */
export const databaseRoutes = new Hono<CodegenEnv>()
	.use(async (c, next) => {
		const id = parseProjectId(c.req.param("project") as string);
		const project = await c.get("d1").find((db) => getProject(db, id));
		if (!project) throw new HttpError(404, "project_not_found", `No project "${id}".`);
		await requireEditToken(c.req.raw, project.editTokenHash, OWNER_ONLY);
		c.set("projectId", id);
		await next();
	})
	.get("/", (c) => {
		const format = parseFormat(c.req.query("format"));
		const id = c.get("projectId");
		const db = appDatabase(c.env.APP_DB, id);
		return new Response(
			dumpStream(format, (from, maxBytes) => db.exportPage(from, maxBytes)),
			{
				headers: {
					"Content-Type": DUMP_TYPES[format],
					"Content-Disposition": `attachment; filename="${id}.${format === "sql" ? "sql" : "jsonl"}"`,
					"Cache-Control": "no-store",
				},
			},
		);
	})
	.post("/reset", async (c) => {
		await appDatabase(c.env.APP_DB, c.get("projectId")).reset();
		c.header("Cache-Control", "no-store");
		return c.json({ reset: true });
	});

function parseFormat(raw: string | undefined): DumpFormat {
	if (raw === undefined || raw === "sql") return "sql";
	if (raw === "json") return "json";
	throw new HttpError(400, "invalid_format", 'format is "sql" (the default) or "json" (JSON Lines).');
}
