import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "./client";
import { projectSecrets, projects } from "./schema";

export interface SecretName {
	name: string;
	updatedAt: number;
}

/** A project's secrets by name, without their values. */
export async function listSecretNames(db: Db, projectId: string): Promise<SecretName[]> {
	return db
		.select({ name: projectSecrets.name, updatedAt: projectSecrets.updatedAt })
		.from(projectSecrets)
		.where(eq(projectSecrets.projectId, projectId))
		.orderBy(asc(projectSecrets.name))
		.all();
}

/** A project's secrets as stored (ciphertext), for the sandbox that is being built. */
export async function listSealedSecrets(db: Db, projectId: string): Promise<{ name: string; value: string }[]> {
	return db
		.select({ name: projectSecrets.name, value: projectSecrets.value })
		.from(projectSecrets)
		.where(eq(projectSecrets.projectId, projectId))
		.all();
}

/**
 * Sets a secret (its sealed value) and bumps the project's secrets revision,
 * in one batch: the write is refused, and nothing changes, when the project
 * already holds `max` secrets and this is not one of them. The check and the
 * write are one statement, so concurrent writers cannot overshoot; the bump
 * runs only when that statement wrote a row (`changes()`, same transaction).
 */
export async function putSecret(
	db: Db,
	projectId: string,
	name: string,
	sealed: string,
	max: number,
): Promise<{ ok: true; revision: number; updatedAt: number } | { ok: false }> {
	const [written, bumped] = await db.batch([
		db.run(sql`
			INSERT INTO ${projectSecrets} (project_id, name, value, updated_at)
			SELECT ${projectId}, ${name}, ${sealed}, unixepoch('subsec') * 1000
			WHERE (SELECT count(*) FROM ${projectSecrets} WHERE project_id = ${projectId}) < ${max}
				OR EXISTS (SELECT 1 FROM ${projectSecrets} WHERE project_id = ${projectId} AND name = ${name})
			ON CONFLICT (project_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
			RETURNING updated_at`),
		bumpRevision(db, projectId),
	]);
	const row = bumped.results[0] as { secrets_revision: number } | undefined;
	const put = written.results[0] as { updated_at: number } | undefined;
	return row && put ? { ok: true, revision: row.secrets_revision, updatedAt: put.updated_at } : { ok: false };
}

/** Deletes a secret and bumps the revision (only if there was one): the new revision, or null when there was none. */
export async function deleteSecret(db: Db, projectId: string, name: string): Promise<number | null> {
	const [, bumped] = await db.batch([
		db.delete(projectSecrets).where(and(eq(projectSecrets.projectId, projectId), eq(projectSecrets.name, name))),
		bumpRevision(db, projectId),
	]);
	const row = bumped.results[0] as { secrets_revision: number } | undefined;
	return row ? row.secrets_revision : null;
}

/** The revision + 1 when the statement before it (in the same batch) changed a row. */
function bumpRevision(db: Db, projectId: string) {
	return db.run(sql`
		UPDATE ${projects} SET secrets_revision = secrets_revision + 1
		WHERE id = ${projectId} AND changes() > 0
		RETURNING secrets_revision`);
}
