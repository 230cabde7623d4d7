/**
 * One project's SQL database: a SQLite-backed Durable Object, one per project
 * (`idFromName(project)`), shared by every version of it. Only this Worker
 * holds its namespace (`APP_DB`); an app's server reaches its own object
 * through the `AppSql` entrypoint, whose props name the project, never an id
 * of its choosing. Each object runs one call at a time, so one app's heavy
 * query holds up that app alone.
 */
import { DurableObject } from "cloudflare:workers";
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

	/** Empties the database for its owner: every table, index and row, as a new project's. */
	async reset(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}
}

/** The database object of `project`: the one way Kiln's code names one. */
export function appDatabase(namespace: DurableObjectNamespace<AppDatabase>, project: string) {
	return namespace.get(namespace.idFromName(project));
}
