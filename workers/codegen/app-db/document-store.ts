/**
 * The project's document store as Kiln's own code uses it (the routes of
 * `/_kiln/data/...` and the `AppData` entrypoint behind an app's `env.db`):
 * calls on the project's object (documents.ts), with what the object cannot
 * know checked here: that the project exists before a write (so no object is
 * ever written for a made-up id), and the quotas from the settings.
 */
import type { Db } from "../../../src/db/client";
import { getProject } from "../../../src/db/projects";
import { MAX_DOCUMENTS_PER_PROJECT } from "../../../src/shared/api";
import type { PutResult } from "./documents";
import { dbLimits } from "./limits";
import { appDatabase } from "./object";

export type PutAnswer = PutResult | { ok: false; reason: "project_not_found" };

/** The document store of `project`: its object, with the checks above. */
export function documentStore(env: CodegenBindings, db: Db, project: string) {
	const object = appDatabase(env.APP_DB, project);
	return {
		list: (collection: string, opts: { limit: number; after?: string; maxBytes: number }) =>
			object.listDocuments(collection, opts),
		get: (collection: string, key: string) => object.getDocument(collection, key),
		put: async (collection: string, key: string, valueJson: string): Promise<PutAnswer> => {
			if (!(await getProject(db, project))) return { ok: false, reason: "project_not_found" };
			return object.putDocument(collection, key, valueJson, {
				maxDocuments: MAX_DOCUMENTS_PER_PROJECT,
				maxDatabaseBytes: dbLimits(env.APP_DB_MAX_BYTES).maxDatabaseBytes,
			});
		},
		delete: (collection: string, key: string) => object.deleteDocument(collection, key),
	};
}
