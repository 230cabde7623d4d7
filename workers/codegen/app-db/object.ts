/**
 * One project's SQL database: a SQLite-backed Durable Object, one per project
 * (`idFromName(project)`), shared by every version of it. Only this Worker
 * holds its namespace (`APP_DB`); an app's server reaches its own object
 * through the `AppSql` entrypoint, whose props name the project, never an id
 * of its choosing. Each object runs one call at a time, so one app's heavy
 * query holds up that app alone. It also holds the project's document store
 * (documents.ts), which Kiln's own code reaches through document-store.ts.
 */
import { DurableObject } from "cloudflare:workers";
import { deleteOldDocuments } from "../../../src/db/app-data";
import { createDb } from "../../../src/db/client";
import { type Carried, carryOldDocuments } from "./carry-over";
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

/** The answer of a document call while the project's old documents are still being carried over (carry-over.ts). */
export interface StillCarrying {
	carrying: true;
}

export class AppDatabase extends DurableObject<CodegenBindings> {
	/** Document calls, one after another: each carries first (see `documents`). */
	private queue: Promise<unknown> = Promise.resolve();

	/** Runs the statements as one transaction under `limits` (see execute.ts). */
	query(statements: SqlStatement[], limits: DbLimits): ExecuteAnswer {
		return executeStatements(this.ctx.storage, statements, limits);
	}

	/** A page of the owner's download (see export.ts). */
	exportPage(from: ExportPosition, maxBytes: number): ExportPage {
		return exportPage(this.ctx.storage.sql, from, maxBytes);
	}

	/**
	 * Empties the database for its owner: every table, index and row, the
	 * documents too, as a new project's. The project's documents still in the
	 * old D1 table go as well, or the carry-over would bring them back.
	 */
	reset(project: string): Promise<void> {
		return this.serially(async () => {
			await deleteOldDocuments(createDb(this.env.DB), project);
			await this.ctx.storage.deleteAll();
		});
	}

	listDocuments(
		project: string,
		collection: string,
		opts: { limit: number; after?: string; maxBytes: number },
	): Promise<DocumentPage | StillCarrying> {
		return this.documents(project, () => listDocuments(this.ctx.storage.sql, collection, opts));
	}

	getDocument(project: string, collection: string, key: string): Promise<StoredDocument | null | StillCarrying> {
		return this.documents(project, () => getDocument(this.ctx.storage.sql, collection, key));
	}

	putDocument(
		project: string,
		collection: string,
		key: string,
		valueJson: string,
		limits: { maxDocuments: number; maxDatabaseBytes: number },
	): Promise<PutResult | StillCarrying> {
		return this.documents(project, () => putDocument(this.ctx.storage, collection, key, valueJson, limits));
	}

	deleteDocument(project: string, collection: string, key: string): Promise<boolean | StillCarrying> {
		return this.documents(project, () => deleteDocument(this.ctx.storage.sql, collection, key));
	}

	/** Carries a piece of the project's old documents (the sweep's call; carry-sweep.ts). */
	carryOver(project: string): Promise<Carried> {
		return this.serially(() => carryOldDocuments(this.ctx.storage, this.env.DB, project));
	}

	/**
	 * Runs a document call once the project's old documents are carried over,
	 * so it sees every one of them. Calls go one after another: a carry that
	 * read a row from D1 cannot write it back over a delete that came after it.
	 * A store too large to carry in one call answers `StillCarrying` (the
	 * caller says so, and each call or sweep carries a further piece).
	 */
	private documents<T>(project: string, call: () => T): Promise<T | StillCarrying> {
		return this.serially(async () => {
			const carry = await carryOldDocuments(this.ctx.storage, this.env.DB, project);
			return carry.done ? call() : { carrying: true as const };
		});
	}

	private serially<T>(run: () => Promise<T>): Promise<T> {
		const next = this.queue.then(run);
		this.queue = next.catch(() => {});
		return next;
	}
}

/** The database object of `project`: the one way Kiln's code names one. */
export function appDatabase(namespace: DurableObjectNamespace<AppDatabase>, project: string) {
	return namespace.get(namespace.idFromName(project));
}
