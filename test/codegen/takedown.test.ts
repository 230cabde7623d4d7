/**
 * The operator's takedown (/api/admin/projects/:project, issue 15 part 3):
 * a disabled app's pages (latest and pinned, however cached), server, data
 * store, code and remix answer 410; nothing is deleted; enabling it brings
 * everything back. Only KILN_OPERATOR_TOKEN opens it; every refusal is a
 * JSON error that changes nothing. And the bounded delay of the isolate's
 * copy of the takedown state (project-state.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { ProjectJson, TakedownJson } from "../../src/shared/api";
import { queryCounter } from "../../workers/codegen/d1-count";
import { forgetProjectStates, isTakenDown, STATE_TTL_MS } from "../../workers/codegen/project-state";
import { TAKEN_DOWN_MESSAGE } from "../../workers/codegen/takedown";
import { call, callWithEnv, documentCount, expectError, newProject, onOrigin, withServer } from "./helpers";
import { disable, enable, OPERATOR, operator } from "./owner-helpers";
import { SQL_APP, sql } from "./sql-app";

async function takedownColumns(project: string) {
	return env.DB.prepare("SELECT disabled_at, disabled_reason FROM projects WHERE id = ?").bind(project).first();
}

async function counts(project: string) {
	const v = await env.DB.prepare("SELECT count(*) AS n FROM versions WHERE project_id = ?")
		.bind(project)
		.first<{ n: number }>();
	return { versions: v?.n, documents: await documentCount(project) };
}

/** SQL_APP's server at the latest (`""`) or a pinned version's path (`"/v/1"`): the raw response. */
const sqlAt = (project: string, q: unknown, prefix = "") =>
	onOrigin(project, `${prefix}/api/sql`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(q),
	});

const putDoc = (project: string, key: string, value: unknown) =>
	onOrigin(project, `/_kiln/data/notes/${key}`, {
		method: "PUT",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(value),
	});

describe("a disabled app", () => {
	it("answers 410 on its pages, server, data, code and remix; nothing is deleted; enabling brings it back", async () => {
		const app = await withServer(SQL_APP);
		const p = app.project;
		await sql(p, { op: "exec", sql: "CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('row');" });
		expect((await putDoc(p, "a", { text: "doc" })).status).toBe(200);
		// Every cache warm: the pinned page in memory and the Workers cache, the pinned server in memory.
		const pinnedBefore = await onOrigin(p, "/v/1/");
		expect(pinnedBefore.status).toBe(200);
		const page = await pinnedBefore.text();
		expect((await onOrigin(p, "/v/1/")).headers.get("server-timing")).toContain('cache;desc="memory"');
		expect((await sqlAt(p, { op: "all", sql: "SELECT v FROM kept" }, "/v/1")).status).toBe(200);
		const before = await counts(p);

		const res = await operator(`/projects/${p}/disable`, {
			method: "POST",
			body: JSON.stringify({ reason: " spam " }),
		});
		expect(res.status).toBe(200);
		const body = (await res.json()) as TakedownJson;
		expect(body).toEqual({ project: p, disabled: { at: expect.any(Number), reason: "spam" } });

		for (const path of ["/", "/v/1/"]) {
			const gone = await onOrigin(p, path);
			expect(gone.status).toBe(410);
			expect(gone.headers.get("content-type")).toContain("text/html");
			expect(gone.headers.get("cache-control")).toBe("no-store");
			expect(await gone.text()).toContain(TAKEN_DOWN_MESSAGE);
		}
		const sandboxed = { PROJECT_ORIGIN: "off" };
		expect((await callWithEnv(sandboxed, `/p/${p}/`)).status).toBe(410);
		expect((await callWithEnv(sandboxed, `/p/${p}/v/1/`)).status).toBe(410);
		await expectError(await sqlAt(p, { op: "all", sql: "SELECT v FROM kept" }), 410, "app_disabled");
		await expectError(await sqlAt(p, { op: "all", sql: "SELECT v FROM kept" }, "/v/1"), 410, "app_disabled");
		await expectError(
			await callWithEnv(sandboxed, `/p/${p}/api/sql`, { method: "POST", body: "{}" }),
			410,
			"app_disabled",
		);
		await expectError(await onOrigin(p, "/_kiln/data/notes/a"), 410, "app_disabled");
		await expectError(await putDoc(p, "b", { text: "new" }), 410, "app_disabled");
		await expectError(await call(`/api/projects/${p}/data/notes`), 410, "app_disabled");
		await expectError(await call(`/api/projects/${p}/versions/1`), 410, "app_disabled");
		await expectError(
			await call(`/api/projects/${p}/remix`, { method: "POST", headers: { "content-type": "application/json" } }),
			410,
			"app_disabled",
		);
		// No follow-up either (its owner's token notwithstanding): nothing stored, no model asked.
		const edit = await call("/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json", authorization: `Bearer ${app.token}` },
			body: JSON.stringify({ prompt: "make it worse", project: p }),
		});
		await expectError(edit, 410, "app_disabled");
		// The project says so, for its owner's SPA.
		const project = (await (await call(`/api/projects/${p}`)).json()) as ProjectJson;
		expect(project.project.disabled).toEqual({ at: body.disabled?.at, reason: "spam" });
		// Nothing deleted: versions, documents, the SQL database.
		expect(await counts(p)).toEqual(before);
		const owned = await call(`/api/projects/${p}/database?format=json`, {
			headers: { authorization: `Bearer ${app.token}` },
		});
		expect(await owned.text()).toContain('"row"');

		await enable(p);
		expect((await (await call(`/api/projects/${p}`)).json()) as ProjectJson).toMatchObject({
			project: { disabled: null },
		});
		const back = await onOrigin(p, "/v/1/");
		expect(back.status).toBe(200);
		expect(await back.text()).toBe(page);
		expect((await onOrigin(p, "/")).status).toBe(200);
		const rows = await sqlAt(p, { op: "all", sql: "SELECT v FROM kept" }, "/v/1");
		expect(rows.status).toBe(200);
		expect(await rows.text()).toContain("row");
		expect((await onOrigin(p, "/_kiln/data/notes/a")).status).toBe(200);
		expect((await call(`/api/projects/${p}/versions/1`)).status).toBe(200);
		expect(await counts(p)).toEqual(before);
	});

	it("answers 410 before a 304: a browser revalidating the latest page does not keep it", async () => {
		const { project } = await newProject("revalidate me");
		const first = await onOrigin(project, "/");
		const etag = first.headers.get("etag") as string;
		expect((await onOrigin(project, "/", { headers: { "if-none-match": etag } })).status).toBe(304);
		await disable(project);
		expect((await onOrigin(project, "/", { headers: { "if-none-match": etag } })).status).toBe(410);
		await enable(project);
	});

	it("keeps a cached pinned page at zero D1 queries while the isolate's state is fresh", async () => {
		const { project } = await newProject("still cheap");
		expect((await onOrigin(project, "/v/1/")).headers.get("server-timing")).toBe('d1;desc="1 query"');
		expect((await onOrigin(project, "/v/1/")).headers.get("server-timing")).toBe(
			'cache;desc="memory", d1;desc="0 queries"',
		);
	});
});

describe("the isolate's copy of the takedown state", () => {
	it("reaches a takedown made elsewhere within STATE_TTL_MS, with one query for all projects", async () => {
		const counter = queryCounter();
		const db = createDb(counter.wrap(env.DB) as D1Database);
		const { project } = await newProject("seen late");
		const { project: other } = await newProject("never disabled");
		forgetProjectStates();
		const t0 = Date.now();
		expect(await isTakenDown(db, project, t0)).toBe(false);
		expect(counter.count()).toBe(1);
		// Another isolate disables it: this one's copy holds until it is STATE_TTL_MS old.
		await env.DB.prepare("UPDATE projects SET disabled_at = 1, disabled_reason = 'x' WHERE id = ?").bind(project).run();
		expect(await isTakenDown(db, project, t0 + STATE_TTL_MS - 1)).toBe(false);
		expect(await isTakenDown(db, other, t0 + STATE_TTL_MS - 1)).toBe(false);
		expect(counter.count()).toBe(1);
		expect(await isTakenDown(db, project, t0 + STATE_TTL_MS)).toBe(true);
		expect(await isTakenDown(db, other, t0 + STATE_TTL_MS + 1)).toBe(false);
		expect(counter.count()).toBe(2);
		await env.DB.prepare("UPDATE projects SET disabled_at = NULL, disabled_reason = NULL WHERE id = ?")
			.bind(project)
			.run();
		forgetProjectStates();
	});

	it("serves cached pinned pages on what it knows when D1 cannot be read", async () => {
		const { project } = await newProject("d1 is down");
		const url = `/p/${project}/v/1/`;
		const off = { PROJECT_ORIGIN: "off" };
		expect((await callWithEnv(off, url)).status).toBe(200);
		forgetProjectStates();
		const broken = new Proxy({} as D1Database, {
			get() {
				throw new Error("D1 is down");
			},
		});
		const res = await callWithEnv({ ...off, DB: broken }, url);
		expect(res.status).toBe(200);
	});
});

describe("the operator's routes refuse", () => {
	it("a missing or wrong operator token (an edit token too), and answer 503 when none is set: nothing changes", async () => {
		const { project, token } = await newProject("guarded");
		const before = await takedownColumns(project);
		const path = `/projects/${project}/disable`;
		const body = JSON.stringify({ reason: "x" });
		const noAuth = await call(`/api/admin${path}`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body,
		});
		await expectError(noAuth, 401, "unauthorized");
		await expectError(await operator(path, { method: "POST", body, token: "wrong-token" }), 401, "unauthorized");
		await expectError(await operator(path, { method: "POST", body, token }), 401, "unauthorized");
		await expectError(await operator(`/projects/${project}`, { token: `${OPERATOR}x` }), 401, "unauthorized");
		const unset = await callWithEnv({ KILN_OPERATOR_TOKEN: undefined }, `/api/admin${path}`, {
			method: "POST",
			headers: { "content-type": "application/json", authorization: `Bearer ${OPERATOR}` },
			body,
		});
		await expectError(unset, 503, "not_configured");
		expect(await takedownColumns(project)).toEqual(before);
		expect((await onOrigin(project, "/")).status).toBe(200);
	});

	it("bad bodies, ids and unknown projects: JSON errors, nothing changes", async () => {
		const { project } = await newProject("bad bodies");
		const before = await takedownColumns(project);
		const path = `/projects/${project}/disable`;
		for (const body of [
			"{}",
			'{"reason":""}',
			'{"reason":"   "}',
			`{"reason":"${"x".repeat(501)}"}`,
			'{"reason":"x","y":1}',
			'{"reason":5}',
		]) {
			await expectError(await operator(path, { method: "POST", body }), 400, "invalid_request");
		}
		await expectError(await operator(path, { method: "POST", body: "nope" }), 400, "invalid_json");
		await expectError(
			await operator(path, { method: "POST", body: '{"reason":"x"}', headers: { "content-type": "text/plain" } }),
			415,
			"unsupported_media_type",
		);
		await expectError(
			await operator("/projects/Bad!/disable", { method: "POST", body: '{"reason":"x"}' }),
			400,
			"invalid_project_id",
		);
		await expectError(
			await operator("/projects/nosuchproject1/disable", { method: "POST", body: '{"reason":"x"}' }),
			404,
			"project_not_found",
		);
		await expectError(await operator("/projects/nosuchproject1/enable", { method: "POST" }), 404, "project_not_found");
		await expectError(await operator("/projects/nosuchproject1"), 404, "project_not_found");
		expect(await takedownColumns(project)).toEqual(before);
		const state = await operator(`/projects/${project}`);
		expect(await state.json()).toEqual({ project, disabled: null });
	});
});
