import type { Db } from "../../src/db/client";
import { createProject, getProjectAndVersion } from "../../src/db/projects";
import { HttpError } from "../../src/http/errors";
import type { RemixResponse } from "../../src/shared/api";
import { sha256Hex } from "../../src/shared/hash";
import { takenDownError } from "./takedown";
import { newEditToken, newProjectId } from "./tokens";

/**
 * Copies a version of a project (the latest by default) into a new project
 * that records where it came from, with an edit token of its own. Anyone may
 * remix; the caller rate-limits. Only the version's files are copied: not its
 * data, not its secrets (a remix starts with none), not its log.
 */
export async function remix(
	db: Db,
	id: string,
	fromVersion: number | undefined,
): Promise<Omit<RemixResponse, "appUrl">> {
	const found = await getProjectAndVersion(db, id, fromVersion ?? "latest");
	if (!found) throw new HttpError(404, "project_not_found", `No project "${id}".`);
	// A taken-down app is not copied under a new id either.
	if (found.project.disabledAt !== null) throw takenDownError();
	if (!found.version) {
		throw new HttpError(404, "version_not_found", `Project "${id}" has no version ${fromVersion}.`);
	}
	const source = found.version;
	const newId = newProjectId();
	const editToken = newEditToken();
	await createProject(db, {
		id: newId,
		title: found.project.title,
		editTokenHash: await sha256Hex(editToken),
		remixedFromProject: id,
		remixedFromVersion: source.number,
		firstVersion: {
			prompt: source.prompt,
			code: source.code,
			server: source.server,
			contentHash: source.contentHash,
			provider: source.provider,
			model: source.model,
			stats: null,
		},
	});
	return { project: newId, version: 1, editToken, remixedFrom: { project: id, version: source.number } };
}
