/**
 * One project's SQL database: a SQLite-backed Durable Object, one per project
 * (`idFromName(project)`), shared by every version of it. Only this Worker
 * holds its namespace (`APP_DB`); an app's server reaches its own object
 * through the `AppSql` entrypoint, whose props name the project, never an id
 * of its choosing. Each object runs one call at a time (every method here is
 * synchronous SQL), so one app's heavy query holds up that app alone. It also
 * holds the project's document store (documents.ts), which Kiln's own code
 * reaches through document-store.ts.
 */
import { DurableObject } from "cloudflare:workers";
import {
	type DocumentPage,
	deleteDocument,
	getDocument,
	listDocuments,
	type PutResult,
	putDocument,
	type StoredDocument,
} from "./documents";
import { type ExecuteAnswer, executeStatements, type SqlStatement } from "./execute";
import { type ExportPage, type ExportPosition, exportPage } from "./export";
import type { DbLimits } from "./limits";

export class AppDatabase extends DurableObject<CodegenBindings> {
	/** Runs the statements as one transaction under `limits` (see execute.ts). */
	query(statements: SqlStatement[], limits: DbLimits): ExecuteAnswer {
		return executeStatements(this.ctx.storage, statements, limits);
	}

	/** A page of the owner's download (see export.ts). */
	exportPage(from: ExportPosition, maxBytes: number): ExportPage {
		return exportPage(this.ctx.storage.sql, from, maxBytes);
	}

	/** Empties the database for its owner: every table, index and row, the documents too, as a new project's. */
	async reset(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}

	listDocuments(collection: string, opts: { limit: number; after?: string; maxBytes: number }): DocumentPage {
		return listDocuments(this.ctx.storage.sql, collection, opts);
	}

	getDocument(collection: string, key: string): StoredDocument | null {
		return getDocument(this.ctx.storage.sql, collection, key);
	}

	putDocument(
		collection: string,
		key: string,
		valueJson: string,
		limits: { maxDocuments: number; maxDatabaseBytes: number },
	): PutResult {
		return putDocument(this.ctx.storage, collection, key, valueJson, limits);
	}

	deleteDocument(collection: string, key: string): boolean {
		return deleteDocument(this.ctx.storage.sql, collection, key);
	}
}

/** The database object of `project`: the one way Kiln's code names one. */
export function appDatabase(namespace: DurableObjectNamespace<AppDatabase>, project: string) {
	return namespace.get(namespace.idFromName(project));
}
