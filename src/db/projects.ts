import { and, asc, desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "./client";
import { projects, type VersionStats, versions } from "./schema";

export type Project = typeof projects.$inferSelect;
export type Version = typeof versions.$inferSelect;
/** A version without its files (only whether it has a server module): what lists show. */
export type VersionSummary = Omit<Version, "code" | "server"> & { hasServer: boolean };

export interface NewVersion {
	prompt: string;
	code: string;
	/** The server module, when the app has one. */
	server?: string | null;
	contentHash: string;
	provider?: string;
	model?: string;
	stats?: VersionStats | null;
}

export interface NewProject {
	id: string;
	title?: string;
	editTokenHash: string;
	remixedFromProject?: string | null;
	remixedFromVersion?: number | null;
	/** Version 1, written in the same batch so a project never exists without it. */
	firstVersion: NewVersion;
}

/** Creates a project and its version 1 atomically (one D1 batch). */
export async function createProject(db: Db, input: NewProject): Promise<Project> {
	const v = input.firstVersion;
	const [inserted] = await db.batch([
		db
			.insert(projects)
			.values({
				id: input.id,
				title: input.title ?? "",
				editTokenHash: input.editTokenHash,
				remixedFromProject: input.remixedFromProject ?? null,
				remixedFromVersion: input.remixedFromVersion ?? null,
			})
			.returning(),
		db.insert(versions).values({
			projectId: input.id,
			number: 1,
			parentNumber: null,
			prompt: v.prompt,
			code: v.code,
			server: v.server ?? null,
			contentHash: v.contentHash,
			provider: v.provider ?? "",
			model: v.model ?? "",
			stats: v.stats ?? null,
		}),
	]);
	return inserted[0];
}

export async function getProject(db: Db, projectId: string): Promise<Project | null> {
	return (await db.select().from(projects).where(eq(projects.id, projectId)).get()) ?? null;
}

/**
 * Inserts the next version of a project and returns its number.
 *
 * The number is computed inside the INSERT (`MAX(number) + 1` in the same
 * statement), and D1 runs statements one at a time, so concurrent callers get
 * distinct, contiguous numbers; the unique index on (project_id, number) is the
 * backstop. Returns null — writing nothing — when the project does not exist or
 * `parentNumber` names a version it does not have.
 */
export async function insertNextVersion(
	db: Db,
	projectId: string,
	parentNumber: number | null,
	v: NewVersion,
): Promise<number | null> {
	const stats = v.stats == null ? null : JSON.stringify(v.stats);
	const row = await db.get<{ number: number }>(sql`
		INSERT INTO ${versions} (project_id, number, parent_number, prompt, code, server, content_hash, provider, model, stats)
		SELECT p.id,
			(SELECT coalesce(max(number), 0) + 1 FROM ${versions} WHERE project_id = p.id),
			${parentNumber}, ${v.prompt}, ${v.code}, ${v.server ?? null}, ${v.contentHash}, ${v.provider ?? ""}, ${v.model ?? ""}, ${stats}
		FROM ${projects} p
		WHERE p.id = ${projectId}
			AND (${parentNumber} IS NULL
				OR EXISTS (SELECT 1 FROM ${versions} WHERE project_id = p.id AND number = ${parentNumber}))
		RETURNING number`);
	return row?.number ?? null;
}

/** One version with its code: the latest when `number` is "latest". */
export async function getVersion(db: Db, projectId: string, number: number | "latest"): Promise<Version | null> {
	const where =
		number === "latest"
			? eq(versions.projectId, projectId)
			: and(eq(versions.projectId, projectId), eq(versions.number, number));
	const row = await db.select().from(versions).where(where).orderBy(desc(versions.number)).limit(1).get();
	return row ?? null;
}

/** A project's versions, oldest first, without their files. */
export async function listVersions(db: Db, projectId: string): Promise<VersionSummary[]> {
	const { code: _code, server: _server, ...columns } = getTableColumns(versions);
	const hasServer = sql<boolean>`${versions.server} IS NOT NULL`.mapWith(Boolean);
	return db
		.select({ ...columns, hasServer })
		.from(versions)
		.where(eq(versions.projectId, projectId))
		.orderBy(asc(versions.number))
		.all();
}

/**
 * A project together with one of its versions (the latest when `number` is
 * "latest"), in one query: what an edit or a remix needs. `version` is null when
 * the project has no such version; the whole answer is null when there is no
 * such project.
 */
export async function getProjectAndVersion(
	db: Db,
	projectId: string,
	number: number | "latest",
): Promise<{ project: Project; version: Version | null } | null> {
	const on =
		number === "latest"
			? eq(versions.projectId, projects.id)
			: and(eq(versions.projectId, projects.id), eq(versions.number, number));
	const row = await db
		.select({ project: projects, version: versions })
		.from(projects)
		.leftJoin(versions, on)
		.where(eq(projects.id, projectId))
		.orderBy(desc(versions.number))
		.limit(1)
		.get();
	return row ?? null;
}
