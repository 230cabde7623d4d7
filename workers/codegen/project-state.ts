/**
 * What this isolate knows of projects' state (taken down or not, secrets
 * revision) between D1 reads, so that the paths that cost no D1 query (a pinned
 * page from memory or the Workers cache, a pinned version's server, the data
 * store) can keep costing none, at the price of a bounded delay:
 *
 * - A project's state read from D1 by any request (the latest page or server,
 *   a pinned version's first request, an owner's or operator's change made
 *   through this isolate) is trusted for `STATE_TTL_MS`.
 * - Otherwise, whether a project is taken down comes from the list of every
 *   taken-down project, read at most once per `STATE_TTL_MS` per isolate (one
 *   query shared by all projects; a partial index holds exactly those rows).
 *
 * So a takedown or a secret's change reaches every path of every isolate
 * within `STATE_TTL_MS`, and at once wherever the request reads the project
 * anyway (the latest page and server) or went through the isolate that made
 * the change.
 */
import type { Db } from "../../src/db/client";
import { getProjectState, listDisabledProjects, type ProjectState } from "../../src/db/project-state";

export const STATE_TTL_MS = 5_000;
/** Most projects whose state one isolate keeps (oldest first out). */
const MAX_KNOWN = 10_000;

const known = new Map<string, { state: ProjectState; at: number }>();
let disabledList: { ids: Set<string>; at: number } | null = null;

/** Records a project's state as just read from (or written to) D1. */
export function noteProjectState(project: string, read: ProjectState, now = Date.now()): void {
	const state = { disabledAt: read.disabledAt, secretsRevision: read.secretsRevision };
	known.delete(project);
	known.set(project, { state, at: now });
	if (known.size > MAX_KNOWN) known.delete(known.keys().next().value as string);
	if (disabledList) {
		if (state.disabledAt === null) disabledList.ids.delete(project);
		else disabledList.ids.add(project);
	}
}

/** A project's state, from this isolate's copy while it is fresh, else one D1 query. Null: no such project. */
export async function projectState(db: Db, project: string, now = Date.now()): Promise<ProjectState | null> {
	const kept = known.get(project);
	if (kept && now - kept.at < STATE_TTL_MS) return kept.state;
	const state = await getProjectState(db, project);
	if (state) noteProjectState(project, state, now);
	return state;
}

/**
 * Whether a project is taken down, for the paths that otherwise read nothing:
 * its fresh state if this isolate has one, else the list of taken-down
 * projects. When D1 cannot be read, the answer is the last one known (or
 * "not taken down"): a takedown is rare, and a D1 outage must not take every
 * cached page down with it.
 */
export async function isTakenDown(db: Db, project: string, now = Date.now()): Promise<boolean> {
	const kept = known.get(project);
	if (kept && now - kept.at < STATE_TTL_MS) return kept.state.disabledAt !== null;
	if (disabledList && now - disabledList.at < STATE_TTL_MS) return disabledList.ids.has(project);
	// (Concurrent requests that find the list stale each read it: a promise shared across
	// requests would tie one request's I/O to another's.)
	try {
		const ids = new Set(await listDisabledProjects(db));
		disabledList = { ids, at: now };
		return ids.has(project);
	} catch (err) {
		console.error(`takedown list unreadable, serving on what is known: ${err instanceof Error ? err.name : "error"}`);
		return disabledList?.ids.has(project) ?? false;
	}
}

/** Forgets everything (tests: an isolate that has seen nothing yet). */
export function forgetProjectStates(): void {
	known.clear();
	disabledList = null;
}
