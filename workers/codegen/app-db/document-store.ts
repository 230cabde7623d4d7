/**
 * The project's document store as Kiln's own code uses it (the routes of
 * `/_kiln/data/...` and the `AppData` entrypoint behind an app's `env.db`):
 * calls on the project's object (documents.ts), with what the object cannot
 * know checked here: that the project exists before a write (so no object is
 * ever written for a made-up id), and the quotas from the settings.
 */
import type { Db } from "../../../src/db/client";
import { getProject } from "../../../src/db/projects";
import { HttpError } from "../../../src/http/errors";
import { MAX_DOCUMENTS_PER_PROJECT } from "../../../src/shared/api";
import type { PutResult } from "./documents";
import { dbLimits } from "./limits";
import { appDatabase, type StillCarrying } from "./object";

/** Seconds a client is asked to wait while a large store is still being carried over. */
const CARRYING_RETRY_SECONDS = 5;

export type PutAnswer = PutResult | { ok: false; reason: "project_not_found" };

/** The document store of `project`: its object, with the checks above. */
export function documentStore(env: CodegenBindings, db: Db, project: string) {
	const object = appDatabase(env.APP_DB, project);
	return {
		list: async (collection: string, opts: { limit: number; after?: string; maxBytes: number }) =>
			settled(await object.listDocuments(project, collection, opts)),
		get: async (collection: string, key: string) => settled(await object.getDocument(project, collection, key)),
		put: async (collection: string, key: string, valueJson: string): Promise<PutAnswer> => {
			if (!(await getProject(db, project))) return { ok: false, reason: "project_not_found" };
			return settled(
				await object.putDocument(project, collection, key, valueJson, {
					maxDocuments: MAX_DOCUMENTS_PER_PROJECT,
					maxDatabaseBytes: dbLimits(env.APP_DB_MAX_BYTES).maxDatabaseBytes,
				}),
			);
		},
		delete: async (collection: string, key: string) => settled(await object.deleteDocument(project, collection, key)),
	};
}

/** An answer, unless the object is still carrying the project's old documents (a 503 the client may retry). */
function settled<T>(answer: T): Exclude<T, StillCarrying> {
	if (answer !== null && typeof answer === "object" && "carrying" in answer) {
		throw new HttpError(
			503,
			"data_moving",
			"This app's documents are being moved to its own database. Try again in a few seconds.",
			{ "Retry-After": String(CARRYING_RETRY_SECONDS) },
		);
	}
	return answer as Exclude<T, StillCarrying>;
}
