/**
 * Issue 14: the document store moved from D1's `app_data` table into each
 * project's own database, and the documents already in the table are carried
 * over with nothing lost (workers/codegen/app-db/carry-over.ts). The old table
 * is filled here as the old code filled it (plain INSERTs, D1's own
 * `updated_at`), then the new code runs.
 */
import {
	createExecutionContext,
	createScheduledController,
	runInDurableObject,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { carryOldDocuments } from "../../workers/codegen/app-db/carry-over";
import { appDatabase } from "../../workers/codegen/app-db/object";
import worker from "../../workers/codegen/index";
import { call, expectError, newProject, origin, withServer } from "./helpers";

interface Doc {
	key: string;
	value: unknown;
	updatedAt: number;
}

/** Writes a row of the old table as the old code did; `updatedAt` left to D1's default unless given. */
async function oldWrite(project: string, collection: string, key: string, value: unknown, updatedAt?: number) {
	const json = JSON.stringify(value);
	await (updatedAt === undefined
		? env.DB.prepare("INSERT INTO app_data (project_id, collection, key, value) VALUES (?, ?, ?, ?)").bind(
				project,
				collection,
				key,
				json,
			)
		: env.DB.prepare(
				"INSERT INTO app_data (project_id, collection, key, value, updated_at) VALUES (?, ?, ?, ?, ?)",
			).bind(project, collection, key, json, updatedAt)
	).run();
}

/** The old table's rows of a project (all projects without one), as the old code would read them. */
async function oldRows(
	project?: string,
): Promise<{ collection: string; key: string; value: string; updated_at: number }[]> {
	const q = project
		? env.DB.prepare(
				"SELECT collection, key, value, updated_at FROM app_data WHERE project_id = ? ORDER BY collection, key",
			).bind(project)
		: env.DB.prepare("SELECT collection, key, value, updated_at FROM app_data ORDER BY collection, key");
	return (await q.all<{ collection: string; key: string; value: string; updated_at: number }>()).results;
}

const get = (project: string, path: string) => call(`/_kiln/data/${path}`, { base: origin(project) });
const put = (project: string, path: string, value: unknown) =>
	call(`/_kiln/data/${path}`, {
		base: origin(project),
		method: "PUT",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(value),
	});

/** Every document of a collection, page after page, and how many pages it took. */
async function listAll(project: string, collection: string, limit = 1000): Promise<{ docs: Doc[]; pages: number }> {
	const docs: Doc[] = [];
	let after: string | null = null;
	let pages = 0;
	do {
		const res = await get(project, `${collection}?limit=${limit}${after ? `&after=${after}` : ""}`);
		expect(res.status, await res.clone().text()).toBe(200);
		const page = (await res.json()) as { documents: Doc[]; next: string | null };
		docs.push(...page.documents);
		after = page.next;
		pages++;
	} while (after !== null);
	return { docs, pages };
}

describe("documents in the old D1 table", () => {
	it("are all readable with their values and times once the new code runs, in every collection and page", async () => {
		const { project } = await newProject("a guest book from before");
		const { project: other } = await newProject("another app from before");
		// Three collections; one of them three pages long by bytes (40 documents of 60 KB), one by count.
		const big = (i: number) => `${i}`.padEnd(60_000, "x");
		for (let i = 0; i < 40; i++) await oldWrite(project, "photos", `p${String(i).padStart(2, "0")}`, big(i));
		for (let i = 0; i < 25; i++)
			await oldWrite(project, "entries", `e${String(i).padStart(2, "0")}`, { n: i, name: `guest ${i}` });
		await oldWrite(project, "settings", "theme", { dark: true, names: ["ünï", "✓"] });
		await oldWrite(other, "entries", "e00", "the other app's");
		const before = await oldRows(project);
		expect(before).toHaveLength(66);

		const photos = await listAll(project, "photos");
		expect(photos.pages).toBe(3);
		const entries = await listAll(project, "entries", 10);
		expect(entries.pages).toBe(3);
		const theme = await get(project, "settings/theme");
		expect(theme.status).toBe(200);
		const all = [
			...photos.docs.map((d) => ["photos", d] as const),
			...entries.docs.map((d) => ["entries", d] as const),
			["settings", (await theme.json()) as Doc] as const,
		];
		// Every document, its value and its time, exactly as the old table held them.
		expect(
			all
				.map(([c, d]) => ({ collection: c, key: d.key, value: JSON.stringify(d.value), updated_at: d.updatedAt }))
				.sort((a, b) => (a.collection + a.key < b.collection + b.key ? -1 : 1)),
		).toEqual(before);
		expect(await oldRows(project)).toEqual([]);
		// Another project's rows wait for their own project's first use (or the sweep).
		expect(await oldRows(other)).toHaveLength(1);
		expect(await (await get(other, "entries/e00")).json()).toMatchObject({ value: "the other app's" });
		expect(await oldRows(other)).toEqual([]);
	});

	it("written by old code after the first carry (the deploy window) are readable afterwards", async () => {
		const { project } = await newProject("an app during the deploy");
		await oldWrite(project, "notes", "a", "first");
		expect((await listAll(project, "notes")).docs.map((d) => d.value)).toEqual(["first"]);
		// The old code, still serving, writes a new document and rewrites the one just carried (its
		// upsert finds no row now, so it inserts; D1's clock is later).
		await oldWrite(project, "notes", "b", "written by old code");
		await oldWrite(project, "notes", "a", "first, rewritten by old code", Date.now() + 1000);
		expect((await listAll(project, "notes")).docs.map((d) => [d.key, d.value])).toEqual([
			["a", "first, rewritten by old code"],
			["b", "written by old code"],
		]);
		expect(await oldRows(project)).toEqual([]);
	});

	it("never overwrite a document written since in the new store with an older copy; a newer one wins", async () => {
		const { project } = await newProject("an app written both ways");
		const res = await put(project, "notes/k", "new code's");
		const { updatedAt } = (await res.json()) as { updatedAt: number };
		await oldWrite(project, "notes", "k", "an older copy", updatedAt - 1000);
		expect(await (await get(project, "notes/k")).json()).toEqual({ key: "k", value: "new code's", updatedAt });
		expect(await oldRows(project)).toEqual([]);
		await oldWrite(project, "notes", "k", "a newer copy, from old code", updatedAt + 1000);
		expect(await (await get(project, "notes/k")).json()).toEqual({
			key: "k",
			value: "a newer copy, from old code",
			updatedAt: updatedAt + 1000,
		});
	});

	it("reach the app's server (env.db) carried over too", async () => {
		const app = await withServer(
			`export default { async fetch(r, env) { return Response.json(await env.db.list("notes")); } };`,
		);
		await oldWrite(app.project, "notes", "n1", { from: "before" });
		const res = await call("/api/x", { base: origin(app.project) });
		expect(res.status).toBe(200);
		expect(((await res.json()) as Doc[]).map((d) => [d.key, d.value])).toEqual([["n1", { from: "before" }]]);
		expect(await oldRows(app.project)).toEqual([]);
	});

	it("are moved by the sweep (the Cron Trigger) for projects nobody opens, until the table is empty", async () => {
		const projects = await Promise.all([1, 2, 3].map((i) => newProject(`an idle app ${i}`)));
		for (const [i, { project }] of projects.entries()) {
			for (let k = 0; k < 3; k++) await oldWrite(project, "c", `k${k}`, { i, k });
		}
		expect((await oldRows()).length).toBeGreaterThanOrEqual(9);
		const logged = vi.spyOn(console, "log").mockImplementation(() => {});
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
		await waitOnExecutionContext(ctx);
		const lines = logged.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('"app-data-carry"'));
		logged.mockRestore();
		expect(await oldRows()).toEqual([]);
		expect(lines.map((l) => JSON.parse(l))).toEqual([
			expect.objectContaining({ event: "app-data-carry", failed: 0, remaining: 0 }),
		]);
		// Ids and counts only: never a document.
		expect(lines.join("\n")).not.toContain('"k0"');
		// Every document is in its project's own database now (read without touching D1).
		for (const [i, { project }] of projects.entries()) {
			const docs = await runInDurableObject(appDatabase(env.APP_DB, project), (_o, state) =>
				state.storage.sql.exec("SELECT key, value FROM _kiln_documents ORDER BY key").toArray(),
			);
			expect(docs).toEqual([0, 1, 2].map((k) => ({ key: `k${k}`, value: JSON.stringify({ i, k }) })));
		}
	});

	it("larger than one call can carry answer 503 data_moving (with Retry-After), and each call carries more", async () => {
		const { project } = await newProject("a very large store");
		// About 25 MiB: more than one call's 32 pieces of 512 KiB (9 of these documents a piece).
		await env.DB.prepare(
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
			 INSERT INTO app_data (project_id, collection, key, value) SELECT ?, 'big', printf('k%03d', i), '"' || hex(zeroblob(32000)) || '"' FROM n`,
		)
			.bind(project)
			.run();
		const first = await get(project, "big?limit=1");
		expect(first.headers.get("retry-after")).toBe("5");
		await expectError(first, 503, "data_moving");
		const left = (await oldRows(project)).length;
		expect(left).toBeGreaterThan(0);
		expect(left).toBe(400 - 32 * 9);
		const { docs } = await listAll(project, "big");
		expect(docs).toHaveLength(400);
		expect(docs.every((d) => typeof d.value === "string" && d.value.length === 64_000)).toBe(true);
		expect(await oldRows(project)).toEqual([]);
	});

	it("stops after its budget of pieces, and says whether any is left", async () => {
		const { project } = await newProject("a store carried piece by piece");
		await env.DB.prepare(
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
			 INSERT INTO app_data (project_id, collection, key, value) SELECT ?, 'c', printf('k%03d', i), i FROM n`,
		)
			.bind(project)
			.run();
		const stub = appDatabase(env.APP_DB, project);
		const one = await runInDurableObject(stub, (_o, state) => carryOldDocuments(state.storage, env.DB, project, 1));
		expect(one).toEqual({ carried: 500, done: false });
		const two = await runInDurableObject(stub, (_o, state) => carryOldDocuments(state.storage, env.DB, project, 1));
		expect(two).toEqual({ carried: 100, done: true });
		expect(await oldRows(project)).toEqual([]);
	});

	it("go with the owner's reset, and are in the owner's download", async () => {
		const { project, token } = await newProject("an app its owner downloads");
		await oldWrite(project, "notes", "n1", "in the download");
		const dump = await call(`/api/projects/${project}/database`, { headers: { authorization: `Bearer ${token}` } });
		expect(dump.status).toBe(200);
		const text = await dump.text();
		expect(text).toContain("CREATE TABLE _kiln_documents");
		expect(text).toContain("in the download");
		await oldWrite(project, "notes", "n2", "left in the old table");
		const reset = await call(`/api/projects/${project}/database/reset`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}` },
		});
		expect(reset.status).toBe(200);
		expect(await oldRows(project)).toEqual([]);
		expect(await (await get(project, "notes")).json()).toEqual({ documents: [], next: null });
	});
});

describe("the document store in the project's own database", () => {
	it("counts against the database's size quota (409 database_full, nothing written); replacing with less still works", async () => {
		const { project } = await newProject("an app near its quota");
		const small = { APP_DB_MAX_BYTES: String(128 * 1024) };
		const send = (key: string, value: unknown) =>
			callWithEnvOnOrigin(small, project, `/_kiln/data/photos/${key}`, {
				method: "PUT",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(value),
			});
		const photo = "x".repeat(60_000);
		let refused: Response | null = null;
		const kept: string[] = [];
		for (let i = 0; i < 5 && !refused; i++) {
			const res = await send(`p${i}`, photo);
			if (res.status === 200) kept.push(`p${i}`);
			else refused = res;
		}
		expect(kept.length).toBeGreaterThan(0);
		expect(refused).not.toBeNull();
		await expectError(refused as Response, 409, "database_full");
		const { docs } = await listAll(project, "photos");
		expect(docs.map((d) => d.key)).toEqual(kept);
		expect((await send(kept[0], "small now")).status).toBe(200);
	});

	it("is a remix's own: it starts empty", async () => {
		const { project } = await newProject("an app to remix");
		expect((await put(project, "notes/a", "the original's")).status).toBe(200);
		const remixed = await call(`/api/projects/${project}/remix`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(remixed.status).toBe(201);
		const { project: copy } = (await remixed.json()) as { project: string };
		expect(await (await get(copy, "notes")).json()).toEqual({ documents: [], next: null });
		expect(await (await get(project, "notes")).json()).toMatchObject({ documents: [{ key: "a" }] });
	});
});

/** A request to a project's own origin with some settings changed. */
async function callWithEnvOnOrigin(
	overrides: Partial<Record<keyof CodegenBindings, unknown>>,
	project: string,
	path: string,
	init: RequestInit,
): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request(`${origin(project)}${path}`, init),
		{ ...env, ...overrides } as CodegenBindings,
		ctx,
	);
	const body = await res.arrayBuffer();
	await waitOnExecutionContext(ctx);
	return new Response(body, res);
}
