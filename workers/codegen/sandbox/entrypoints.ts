/**
 * What an app's sandbox may reach, as entrypoints of the codegen Worker handed
 * to the loaded code with the project baked into their props (the sandbox
 * never sees a namespace, a binding or a setting of Kiln's):
 * - `AppOutbound`, the sandbox's `globalOutbound`: every `fetch` the app makes
 *   goes through the outbound guard (src/outbound), with Kiln's own hosts and
 *   every project origin refused.
 * - `AppData`, the app's `env.db`: its project's JSON document store, the same
 *   one its page reaches with `kiln.db`.
 * - `AppSql`, under the app's `env.DB` (wrapped in the D1-shaped client of
 *   d1-module.ts): its project's SQL database, a Durable Object reached by the
 *   project in the props; the loaded code never holds the namespace or an id.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { createDb } from "../../../src/db/client";
import { outboundFetch, parseAllowOrigins } from "../../../src/outbound";
import {
	COLLECTION_NAME,
	DOCUMENT_KEY,
	type DocumentJson,
	MAX_DOCUMENT_BYTES,
	MAX_DOCUMENTS_PER_PROJECT,
	MAX_LIST_LIMIT,
} from "../../../src/shared/api";
import { documentStore } from "../app-db/document-store";
import type { ExecuteAnswer, SqlStatement } from "../app-db/execute";
import type { DbLimits } from "../app-db/limits";
import { appDatabase } from "../app-db/object";
import { APP_OUTBOUND } from "./limits";

export interface OutboundProps {
	project: string;
	/** Kiln's own hosts and project origins (`*.apps.example.com`), refused although public. */
	refuseHosts: string[];
}

export class AppOutbound extends WorkerEntrypoint<CodegenBindings, OutboundProps> {
	/** A refused or failed fetch rejects in the app, as a network error would. */
	override async fetch(request: Request): Promise<Response> {
		return outboundFetch(
			request,
			{},
			{
				...APP_OUTBOUND,
				refuseHosts: this.ctx.props.refuseHosts,
				allowOrigins: parseAllowOrigins(this.env.OUTBOUND_ALLOW_ORIGINS),
			},
		);
	}
}

export interface DataProps {
	project: string;
}

/** The document store of one project, for its server code: `await env.db.put("votes", key, value)`. */
export class AppData extends WorkerEntrypoint<CodegenBindings, DataProps> {
	private get store() {
		return documentStore(this.env, createDb(this.env.DB), this.ctx.props.project);
	}

	async list(collection: string, options: { limit?: number; after?: string } = {}): Promise<DocumentJson[]> {
		checkCollection(collection);
		const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), MAX_LIST_LIMIT);
		if (options.after !== undefined) checkKey(options.after);
		// This API answers an array, which cannot say that it stopped early, and apps page it by
		// count: so it is bounded by count alone, as it always was (the HTTP list also by bytes).
		const page = await this.store.list(collection, {
			limit,
			after: options.after,
			maxBytes: Number.MAX_SAFE_INTEGER,
		});
		return page.documents.map((r) => ({ key: r.key, value: JSON.parse(r.value), updatedAt: r.updatedAt }));
	}

	async get(collection: string, key: string): Promise<unknown> {
		checkCollection(collection);
		checkKey(key);
		const row = await this.store.get(collection, key);
		return row ? JSON.parse(row.value) : null;
	}

	async put(collection: string, key: string, value: unknown): Promise<{ key: string; updatedAt: number }> {
		checkCollection(collection);
		checkKey(key);
		const json = JSON.stringify(value);
		if (json === undefined) throw new Error("db.put: the value must be JSON.");
		if (new TextEncoder().encode(json).byteLength > MAX_DOCUMENT_BYTES) {
			throw new Error(`db.put: a document is at most ${MAX_DOCUMENT_BYTES} bytes of JSON.`);
		}
		const result = await this.store.put(collection, key, json);
		if (!result.ok) {
			throw new Error(
				result.reason === "full"
					? `db.put: a project holds at most ${MAX_DOCUMENTS_PER_PROJECT} documents.`
					: result.reason === "database_full"
						? "db.put: the app's database (documents and SQL tables together) is full; delete something first."
						: "db.put: the project no longer exists.",
			);
		}
		return { key, updatedAt: result.updatedAt };
	}

	async delete(collection: string, key: string): Promise<boolean> {
		checkCollection(collection);
		checkKey(key);
		return this.store.delete(collection, key);
	}
}

export interface SqlProps {
	project: string;
	/** The quotas, from the settings of the request that made the sandbox (part of its loader id). */
	limits: DbLimits;
}

/** The SQL database of one project, for its server code (through the D1-shaped client). */
export class AppSql extends WorkerEntrypoint<CodegenBindings, SqlProps> {
	/** Runs the statements as one transaction; an error comes back as `{ error: { code, message } }`. */
	async query(statements: SqlStatement[]): Promise<ExecuteAnswer> {
		const { project, limits } = this.ctx.props;
		return appDatabase(this.env.APP_DB, project).query(statements, limits);
	}
}

function checkCollection(name: string) {
	if (typeof name !== "string" || !COLLECTION_NAME.test(name)) {
		throw new Error("db: a collection name is 1 to 64 of A-Z a-z 0-9 _ - (not starting with -).");
	}
}

function checkKey(key: string) {
	if (typeof key !== "string" || !DOCUMENT_KEY.test(key)) {
		throw new Error("db: a key is 1 to 128 of A-Z a-z 0-9 _ - . : (not starting with .).");
	}
}
