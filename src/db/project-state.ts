import { eq, isNotNull } from "drizzle-orm";
import type { Db } from "./client";
import { projects } from "./schema";

/** What every request to a project's app needs to know besides its code. */
export interface ProjectState {
	/** Taken down by the operator (ms since the epoch), or null. */
	disabledAt: number | null;
	secretsRevision: number;
}

export async function getProjectState(db: Db, projectId: string): Promise<ProjectState | null> {
	const row = await db
		.select({ disabledAt: projects.disabledAt, secretsRevision: projects.secretsRevision })
		.from(projects)
		.where(eq(projects.id, projectId))
		.get();
	return row ?? null;
}

/** The ids of every taken-down project (a partial index holds exactly these). */
export async function listDisabledProjects(db: Db): Promise<string[]> {
	const rows = await db.select({ id: projects.id }).from(projects).where(isNotNull(projects.disabledAt)).all();
	return rows.map((r) => r.id);
}

/**
 * Takes a project down (`reason` given) or brings it back (`null`). Only the
 * two takedown columns change: nothing of the project is deleted. Null when
 * there is no such project.
 */
export async function setDisabled(
	db: Db,
	projectId: string,
	reason: string | null,
): Promise<(ProjectState & { disabledReason: string | null }) | null> {
	const row = await db
		.update(projects)
		.set(
			reason === null ? { disabledAt: null, disabledReason: null } : { disabledAt: Date.now(), disabledReason: reason },
		)
		.where(eq(projects.id, projectId))
		.returning({
			disabledAt: projects.disabledAt,
			disabledReason: projects.disabledReason,
			secretsRevision: projects.secretsRevision,
		})
		.get();
	return row ?? null;
}
