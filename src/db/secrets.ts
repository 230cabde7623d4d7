import { asc, eq } from "drizzle-orm";
import type { D1Queries, Db } from "./client";
import { projectSecrets, projects } from "./schema";

/**
 * A project's secrets as stored (ciphertext), if this copy of the database has
 * seen its secrets revision `revision` (else null: a read replica that is
 * behind; ask the primary). For the sandbox that is being built.
 */
export async function listSealedSecretsSince(
	db: Db,
	projectId: string,
	revision: number,
): Promise<{ name: string; value: string }[] | null> {
	const rows = await db
		.select({ revision: projects.secretsRevision, name: projectSecrets.name, value: projectSecrets.value })
		.from(projects)
		.leftJoin(projectSecrets, eq(projectSecrets.projectId, projects.id))
		.where(eq(projects.id, projectId))
		.all();
	if (rows.length === 0 || rows[0].revision < revision) return null;
	return rows.flatMap((r) => (r.name !== null && r.value !== null ? [{ name: r.name, value: r.value }] : []));
}

export interface SealedSecret {
	name: string;
	/** Ciphertext (secrets/crypto.ts): for the key that opens it, never for a response. */
	value: string;
	updatedAt: number;
}

/** A project's secrets as stored (ciphertext), by name. */
export async function listSealedSecrets(db: Db, projectId: string): Promise<SealedSecret[]> {
	return db
		.select({ name: projectSecrets.name, value: projectSecrets.value, updatedAt: projectSecrets.updatedAt })
		.from(projectSecrets)
		.where(eq(projectSecrets.projectId, projectId))
		.orderBy(asc(projectSecrets.name))
		.all();
}

/**
 * Sets a secret (its sealed value) and bumps the project's secrets revision,
 * in one batch: the write is refused, and nothing changes, when the project
 * already holds `max` secrets and this is not one of them. The check and the
 * write are one statement, so concurrent writers cannot overshoot; the bump
 * runs only when that statement wrote a row (`changes()`, same transaction).
 * (Plain D1 statements: a batch of an upsert and a conditional update with
 * RETURNING is clearer in SQL than in Drizzle's builder.)
 */
export async function putSecret(
	db: Db,
	projectId: string,
	name: string,
	sealed: string,
	max: number,
): Promise<{ ok: true; revision: number; updatedAt: number } | { ok: false }> {
	const d1: D1Queries = db.$client;
	const [written, bumped] = await d1.batch<{ updated_at?: number; secrets_revision?: number }>([
		d1
			.prepare(
				`INSERT INTO project_secrets (project_id, name, value, updated_at)
				SELECT ?1, ?2, ?3, unixepoch('subsec') * 1000
				WHERE (SELECT count(*) FROM project_secrets WHERE project_id = ?1) < ?4
					OR EXISTS (SELECT 1 FROM project_secrets WHERE project_id = ?1 AND name = ?2)
				ON CONFLICT (project_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
				RETURNING updated_at`,
			)
			.bind(projectId, name, sealed, max),
		bumpRevision(d1, projectId),
	]);
	const revision = bumped.results[0]?.secrets_revision;
	const updatedAt = written.results[0]?.updated_at;
	return revision !== undefined && updatedAt !== undefined ? { ok: true, revision, updatedAt } : { ok: false };
}

/** Deletes a secret and bumps the revision (only if there was one): the new revision, or null when there was none. */
export async function deleteSecret(db: Db, projectId: string, name: string): Promise<number | null> {
	const d1: D1Queries = db.$client;
	const [, bumped] = await d1.batch<{ secrets_revision?: number }>([
		d1.prepare("DELETE FROM project_secrets WHERE project_id = ? AND name = ?").bind(projectId, name),
		bumpRevision(d1, projectId),
	]);
	return bumped.results[0]?.secrets_revision ?? null;
}

/** The revision + 1 when the statement before it (in the same batch) changed a row. */
function bumpRevision(d1: D1Queries, projectId: string): D1PreparedStatement {
	return d1
		.prepare(
			`UPDATE projects SET secrets_revision = secrets_revision + 1
			WHERE id = ? AND changes() > 0
			RETURNING secrets_revision`,
		)
		.bind(projectId);
}
