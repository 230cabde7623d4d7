import type { MiddlewareHandler } from "hono";
import { getProject } from "../../src/db/projects";
import { bearerToken, sameSecret } from "../../src/http/auth";
import { HttpError } from "../../src/http/errors";
import { parseProjectId } from "../../src/http/params";
import { sha256Hex } from "../../src/shared/hash";
import type { CodegenEnv } from "./context";

/**
 * Requires the project's edit token (`Authorization: Bearer <editToken>`),
 * which only its owner holds: 401 `edit_token_required` without one, 403
 * `invalid_edit_token` with another. `missing` is the 401's message: what
 * needs the token, and how to send it.
 */
export async function requireEditToken(request: Request, editTokenHash: string, missing: string): Promise<void> {
	const token = bearerToken(request);
	if (!token) {
		throw new HttpError(401, "edit_token_required", missing, {
			"WWW-Authenticate": 'Bearer realm="kiln"',
		});
	}
	if (!(await sameSecret(await sha256Hex(token), editTokenHash))) {
		throw new HttpError(403, "invalid_edit_token", "That edit token does not belong to this project.");
	}
}

/**
 * Middleware of an owner's route under /api/projects/:project/...: 400 for a
 * bad id, 404 for no such project, then the edit token (401/403, `missing`
 * as above). Sets `projectId` and `owned` (the project's row).
 */
export function ownerOnly(missing: string): MiddlewareHandler<CodegenEnv> {
	return async (c, next) => {
		const id = parseProjectId(c.req.param("project") as string);
		const project = await c.get("d1").find((db) => getProject(db, id));
		if (!project) throw new HttpError(404, "project_not_found", `No project "${id}".`);
		await requireEditToken(c.req.raw, project.editTokenHash, missing);
		c.set("projectId", id);
		c.set("owned", project);
		await next();
	};
}
