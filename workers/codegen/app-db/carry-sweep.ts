/**
 * The carry-over's sweep (see carry-over.ts), run by the Worker's `scheduled`
 * every minute in this release: it carries the old documents of projects
 * that nobody opens. The next release removes it with the cron.
 */
import { countOldDocuments, projectsWithOldDocuments } from "../../../src/db/app-data";
import { createDb } from "../../../src/db/client";
import { rootCause } from "../../../src/http/errors";
import { appDatabase } from "./object";

/** Projects one sweep visits (each a call to its object; the next sweep goes on). */
const SWEEP_PROJECTS = 50;

/**
 * The sweep: carries the old documents of up to SWEEP_PROJECTS projects, and
 * logs what it did and what is left (ids and counts only). Quiet once the
 * old table is empty, which then costs one D1 query a run.
 */
export async function sweepOldDocuments(env: CodegenBindings): Promise<{ carried: number; remaining: number }> {
	const db = createDb(env.DB);
	const projects = await projectsWithOldDocuments(db, SWEEP_PROJECTS);
	if (projects.length === 0) return { carried: 0, remaining: 0 };
	let carried = 0;
	let failed = 0;
	for (const project of projects) {
		try {
			carried += (await appDatabase(env.APP_DB, project).carryOver(project)).carried;
		} catch (err) {
			failed++;
			console.error(JSON.stringify({ event: "app-data-carry-failed", project, error: rootCause(err) }));
		}
	}
	const remaining = await countOldDocuments(db);
	console.log(JSON.stringify({ event: "app-data-carry", projects: projects.length, failed, carried, remaining }));
	return { carried, remaining };
}
