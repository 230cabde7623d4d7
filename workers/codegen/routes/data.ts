import { type Context, Hono } from "hono";
import { readJson } from "../../../src/http/body";
import { HttpError } from "../../../src/http/errors";
import {
	COLLECTION_NAME,
	DOCUMENT_KEY,
	type DocumentJson,
	type DocumentListJson,
	MAX_DOCUMENT_BYTES,
	MAX_DOCUMENTS_PER_PROJECT,
	MAX_LIST_BYTES,
	MAX_LIST_LIMIT,
} from "../../../src/shared/api";
import { documentStore, type PutAnswer } from "../app-db/document-store";
import { dbLimits } from "../app-db/limits";
import type { CodegenEnv } from "../context";
import { clientKey, rateLimit } from "../rate-limit";

/**
 * The generated apps' JSON document store: named collections of documents
 * per project, kept in the project's own database (app-db/documents.ts).
 * Mounted on a project's own origin at /_kiln/data, and at
 * /api/projects/:project/data; the mounting app sets `projectId`.
 */
export const dataRoutes = new Hono<CodegenEnv>()
	.use(async (c, next) => {
		await rateLimit(c.env.DATA_LIMITER, `${c.get("projectId")}:${clientKey(c.req.raw)}`, "data-store requests");
		await next();
	})
	.get("/:collection", async (c) => {
		const collection = parseCollection(c.req.param("collection"));
		const limit = parseLimit(c.req.query("limit"));
		const after = c.req.query("after");
		if (after !== undefined && !DOCUMENT_KEY.test(after)) throw badKey();
		const page = await store(c).list(collection, {
			limit,
			after,
			maxBytes: MAX_LIST_BYTES,
		});
		const body: DocumentListJson = {
			documents: page.documents.map((r) => ({ key: r.key, value: JSON.parse(r.value), updatedAt: r.updatedAt })),
			next: page.next,
		};
		c.header("Cache-Control", "no-store");
		return c.json(body);
	})
	.get("/:collection/:key", async (c) => {
		const collection = parseCollection(c.req.param("collection"));
		const key = parseKey(c.req.param("key"));
		const row = await store(c).get(collection, key);
		if (!row) throw new HttpError(404, "document_not_found", `No document "${key}" in "${collection}".`);
		const body: DocumentJson = { key: row.key, value: JSON.parse(row.value), updatedAt: row.updatedAt };
		c.header("Cache-Control", "no-store");
		return c.json(body);
	})
	.put("/:collection/:key", async (c) => {
		const collection = parseCollection(c.req.param("collection"));
		const key = parseKey(c.req.param("key"));
		// The limit is on the document as stored (compact JSON), not on how it was sent: an indented
		// body may be larger on the wire. The body's own limit (1 MiB) still bounds what is read.
		const value = await readJson(c.req.raw, {
			tooLarge: { code: "document_too_large", message: `A document is at most ${MAX_DOCUMENT_BYTES} bytes of JSON.` },
		});
		const json = JSON.stringify(value);
		if (new TextEncoder().encode(json).byteLength > MAX_DOCUMENT_BYTES) {
			throw new HttpError(413, "document_too_large", `A document is at most ${MAX_DOCUMENT_BYTES} bytes of JSON.`);
		}
		const result = await store(c).put(collection, key, json);
		if (!result.ok) throw refused(result.reason, c.get("projectId"), c.env);
		return c.json({ key, updatedAt: result.updatedAt });
	})
	.delete("/:collection/:key", async (c) => {
		const collection = parseCollection(c.req.param("collection"));
		const key = parseKey(c.req.param("key"));
		const deleted = await store(c).delete(collection, key);
		if (!deleted) throw new HttpError(404, "document_not_found", `No document "${key}" in "${collection}".`);
		return c.body(null, 204);
	});

function store(c: Context<CodegenEnv>) {
	return documentStore(c.env, c.get("db"), c.get("projectId"));
}

/** Why a document was not written, as the client is told. */
function refused(reason: Exclude<PutAnswer, { ok: true }>["reason"], project: string, env: CodegenBindings): HttpError {
	switch (reason) {
		case "project_not_found":
			return new HttpError(404, "project_not_found", `No project "${project}".`);
		case "full":
			return new HttpError(
				409,
				"too_many_documents",
				`A project holds at most ${MAX_DOCUMENTS_PER_PROJECT} documents; delete some first.`,
			);
		case "database_full":
			return new HttpError(
				409,
				"database_full",
				`The app's database (its documents and its SQL tables together) is at most ${dbLimits(env.APP_DB_MAX_BYTES).maxDatabaseBytes} bytes; delete some documents or rows first.`,
			);
	}
}

function parseCollection(raw: string): string {
	if (!COLLECTION_NAME.test(raw)) {
		throw new HttpError(
			400,
			"invalid_collection",
			"A collection name is 1 to 64 of A-Z a-z 0-9 _ - (not starting with -).",
		);
	}
	return raw;
}

function badKey() {
	return new HttpError(400, "invalid_key", "A key is 1 to 128 of A-Z a-z 0-9 _ - . : (not starting with .).");
}

function parseKey(raw: string): string {
	if (!DOCUMENT_KEY.test(raw)) throw badKey();
	return raw;
}

function parseLimit(raw: string | undefined): number {
	if (raw === undefined) return 100;
	if (!/^[1-9][0-9]{0,3}$/.test(raw) || Number(raw) > MAX_LIST_LIMIT) {
		throw new HttpError(400, "invalid_limit", `limit is a whole number from 1 to ${MAX_LIST_LIMIT}.`);
	}
	return Number(raw);
}
