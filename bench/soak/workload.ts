/**
 * What the soak's clients do, one operation at a time, each recorded with
 * when it began and ended and what came back: new apps, edits (some of one
 * project at once), remixes, generations left mid-stream; latest and pinned
 * pages; reads and writes of a few apps' data stores and SQL databases (their
 * server code); Notion automation deliveries, duplicates and integration
 * events. Everything goes through Kiln's public HTTP surface, as users and
 * Notion reach it.
 */
import { appendFileSync } from "node:fs";
import { signWebhookPayload } from "@notionhq/client";
import { FAKE_BOT_ID } from "../../test/fakes/notion.ts";
import { createScenario } from "../../test/fakes/openai.ts";
import { type Answer, badErrorShape, errorCode, generate, NoAnswer, request, type StreamAnswer } from "./client.ts";
import { type Op, type OpKind, tagOf } from "./history.ts";
import type { Rng } from "./prng.ts";

export interface Secrets {
	webhook: string;
	verification: string;
	operator: string;
}

export class Recorder {
	readonly ops: Op[] = [];
	private next = 1;

	constructor(private readonly file: string) {}

	/** Runs one operation and records it; `fn` gets the op's id and fills in what came back. */
	async run(kind: OpKind, fields: Partial<Op>, fn: (op: Op) => Promise<void>): Promise<Op> {
		const op: Op = { id: this.next++, kind, invokeAt: Date.now(), completeAt: 0, outcome: "unknown", ...fields };
		try {
			await fn(op);
		} catch (err) {
			op.outcome = "unknown";
			op.network = err instanceof NoAnswer ? err.message : `client error: ${(err as Error).message}`;
		}
		op.completeAt = Date.now();
		this.ops.push(op);
		appendFileSync(this.file, `${JSON.stringify(op)}\n`);
		return op;
	}
}

/** A plain answer's outcome: 2xx/3xx ok, 4xx refused, 5xx failed, with the error's code and shape. */
function judge(op: Op, a: Answer, okStatuses: number[] = []): void {
	op.status = a.status;
	if (a.status < 400 || okStatuses.includes(a.status)) {
		op.outcome = "ok";
		return;
	}
	op.outcome = a.status < 500 ? "refused" : "failed";
	op.code = errorCode(a.text);
	op.badShape = badErrorShape(a.headers, a.text);
}

interface Project {
	id: string;
	token: string;
	/** Versions a client was told are done, newest last. */
	versions: number[];
}

/** A Notion page the soak seeds in the fake Notion (and its site, for favicons). */
export interface SeededPage {
	id: string;
	title: string;
	website: string;
}

/** The server module of the soak's SQL apps: a key-value table in `env.DB`. */
const SQL_SERVER = `import { Hono } from "hono";
const app = new Hono();
const table = (db) => db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
app.put("/api/kv/:k", async (c) => {
	await table(c.env.DB);
	const v = await c.req.text();
	await c.env.DB.prepare("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v").bind(c.req.param("k"), v).run();
	return c.json({ key: c.req.param("k") });
});
app.get("/api/kv/:k", async (c) => {
	await table(c.env.DB);
	const row = await c.env.DB.prepare("SELECT v FROM kv WHERE k = ?").bind(c.req.param("k")).first();
	if (!row) return c.json({ error: { code: "not_found", message: "No such key." } }, 404);
	return c.json({ key: c.req.param("k"), value: row.v });
});
export default app;`;

const SQL_APP_ANSWER = `- A key-value page with its own SQL table

\`\`\`html index.html
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Soak KV</title></head>
<body><h1>Soak KV</h1><script>fetch("api/kv/k0").then((r) => r.text()).then((t) => document.body.append(t));</script></body></html>
\`\`\`

\`\`\`js server.js
${SQL_SERVER}
\`\`\`
`;

const COLLECTIONS = ["notes", "todos"];
const DATA_KEYS = 6;
const SQL_KEYS = 8;
/** Clients' addresses: generations are limited per address (10 a minute), so many users share 60 limits, some of them hit. */
const ADDRESSES = 60;
const NOTION_ROUTES = ["/example/callout", "/example/guest/welcome", "/property/injections"] as const;

export class Workload {
	readonly projects: Project[] = [];
	/** Every project id a client heard of (a `start` event, a remix), to read back at the end. */
	readonly known = new Map<string, { remixOf?: string }>();
	readonly dataApps: string[] = [];
	readonly sqlApps: string[] = [];
	/** Pages in the trash right now (deleteAndRestore). */
	private readonly trashed = new Set<string>();
	/** Deliveries sent, to send again as Notion's duplicates do. */
	private readonly sent: { route: string; body: string; event: string }[] = [];

	constructor(
		readonly rec: Recorder,
		private readonly port: () => number,
		private readonly modelUrl: string,
		readonly pages: SeededPage[],
		private readonly secrets: Secrets,
	) {}

	private kiln = () => `localhost:${this.port()}`;
	private origin = (project: string) => `${project}.localhost:${this.port()}`;
	private address = (r: Rng) => `10.77.0.${r.int(1, ADDRESSES)}`;

	// ------------------------------------------------------------ generations

	private async generation(
		op: Op,
		r: Rng,
		body: Record<string, unknown>,
		opts: { token?: string; hangUpAfterDeltas?: number } = {},
	) {
		const a = await generate({
			port: this.port(),
			host: this.kiln(),
			path: "/api/generate",
			headers: {
				"cf-connecting-ip": this.address(r),
				...(opts.token && { authorization: `Bearer ${opts.token}` }),
			},
			body: JSON.stringify(body),
			hangUpAfterDeltas: opts.hangUpAfterDeltas,
		});
		this.streamOutcome(op, a);
		return a;
	}

	private streamOutcome(op: Op, a: StreamAnswer) {
		op.status = a.status;
		const start = a.events.find((e) => e.event === "start")?.data as { project?: string } | undefined;
		if (start?.project) {
			op.project = start.project;
			if (!this.known.has(start.project)) this.known.set(start.project, {});
		}
		if (a.end === "refused") {
			op.outcome = a.status < 500 ? "refused" : "failed";
			op.code = errorCode(a.text);
			op.badShape = badErrorShape(a.headers, a.text);
		} else if (a.end === "done") {
			op.outcome = "ok";
			op.version = (a.events.at(-1)?.data as { version?: number } | undefined)?.version;
		} else if (a.end === "error") {
			op.outcome = "failed";
			const e = (a.events.at(-1)?.data ?? {}) as { code?: unknown; message?: unknown };
			op.code = typeof e.code === "string" ? e.code : undefined;
			if (typeof e.code !== "string" || typeof e.message !== "string")
				op.badShape = `error event without code and message: ${JSON.stringify(e).slice(0, 120)}`;
		} else if (a.end === "hung_up") {
			op.outcome = "hung_up";
		} else {
			op.outcome = "unknown";
			op.network = "the stream ended without done or error";
		}
	}

	private prompt(id: number, what: string) {
		return `[${tagOf(id)}] ${what}`;
	}

	/** A new app; `scenario` answers with the fake model's scenario instead of its default. */
	async newApp(r: Rng, opts: { hangUp?: boolean; sqlApp?: boolean } = {}): Promise<Op> {
		const kind: OpKind = opts.hangUp ? "hang_up" : "generate_new";
		const marker = opts.sqlApp
			? (await createScenario(this.modelUrl, { default: { text: SQL_APP_ANSWER } })).marker
			: "";
		return this.rec.run(kind, {}, async (op) => {
			op.tag = tagOf(op.id);
			const words = r.pick(["a tip calculator", "a guest book", "a counter", "a to-do list", "a poll", "a timer"]);
			const a = await this.generation(
				op,
				r,
				{ prompt: `${this.prompt(op.id, `Build ${words} (app ${op.id})`)} ${marker}`.trim() },
				{ hangUpAfterDeltas: opts.hangUp ? r.int(1, 3) : undefined },
			);
			const token = (a.events.find((e) => e.event === "start")?.data as { editToken?: string } | undefined)?.editToken;
			if (op.outcome === "ok" && op.project && op.version && token) {
				this.projects.push({ id: op.project, token, versions: [op.version] });
				if (opts.sqlApp) this.sqlApps.push(op.project);
			}
		});
	}

	/** An edit of a project (its latest, or an older version), optionally left mid-stream. */
	async edit(r: Rng, project: Project, opts: { hangUp?: boolean } = {}): Promise<Op> {
		const fromVersion = r.chance(0.3) ? r.pick(project.versions) : undefined;
		return this.rec.run(opts.hangUp ? "hang_up" : "generate_edit", { project: project.id }, async (op) => {
			op.tag = tagOf(op.id);
			op.base = fromVersion;
			await this.generation(
				op,
				r,
				{
					prompt: this.prompt(op.id, r.pick(["Make the buttons bigger", "Add a dark mode", "Use a serif font"])),
					project: project.id,
					...(fromVersion && { fromVersion }),
				},
				{ token: project.token, hangUpAfterDeltas: opts.hangUp ? r.int(1, 3) : undefined },
			);
			if (op.outcome === "ok" && op.version) project.versions.push(op.version);
		});
	}

	async remix(r: Rng, project: Project): Promise<Op> {
		const fromVersion = r.chance(0.5) ? r.pick(project.versions) : undefined;
		return this.rec.run("remix", { base: fromVersion }, async (op) => {
			const a = await request({
				port: this.port(),
				host: this.kiln(),
				method: "POST",
				path: `/api/projects/${project.id}/remix`,
				headers: { "content-type": "application/json", "cf-connecting-ip": this.address(r) },
				body: JSON.stringify(fromVersion ? { fromVersion } : {}),
			});
			judge(op, a);
			if (a.status !== 201) return;
			const body = JSON.parse(a.text) as { project: string; editToken: string; version: number };
			op.project = body.project;
			op.version = body.version;
			this.known.set(body.project, { remixOf: project.id });
			this.projects.push({ id: body.project, token: body.editToken, versions: [body.version] });
		});
	}

	// ------------------------------------------------------------ pages

	async page(r: Rng, project: Project, pinned: boolean): Promise<Op> {
		const n = pinned ? r.pick(project.versions) : undefined;
		return this.rec.run(pinned ? "page_pinned" : "page_latest", { project: project.id, version: n }, async (op) => {
			judge(op, await request({ port: this.port(), host: this.origin(project.id), path: n ? `/v/${n}/` : "/" }));
		});
	}

	// ------------------------------------------------------------ data store and SQL

	private dataTarget(r: Rng) {
		const app = r.pick(this.dataApps);
		const collection = r.pick(COLLECTIONS);
		const key = `k${r.int(0, DATA_KEYS - 1)}`;
		return { app, path: `/_kiln/data/${collection}/${key}`, key: `data|${app}|${collection}/${key}` };
	}

	async dataPut(r: Rng): Promise<Op> {
		const t = this.dataTarget(r);
		return this.rec.run("data_put", { key: t.key, project: t.app }, async (op) => {
			op.value = tagOf(op.id);
			const a = await request({
				port: this.port(),
				host: this.origin(t.app),
				method: "PUT",
				path: t.path,
				headers: { "content-type": "application/json", "cf-connecting-ip": this.address(r) },
				body: JSON.stringify({ w: op.value }),
			});
			judge(op, a);
		});
	}

	async dataDelete(r: Rng): Promise<Op> {
		const t = this.dataTarget(r);
		return this.rec.run("data_delete", { key: t.key, project: t.app, value: null }, async (op) => {
			const a = await request({
				port: this.port(),
				host: this.origin(t.app),
				method: "DELETE",
				path: t.path,
				headers: { "cf-connecting-ip": this.address(r) },
			});
			// Deleting what is not there leaves it not there: done as asked.
			judge(op, a, a.status === 404 && errorCode(a.text) === "document_not_found" ? [404] : []);
		});
	}

	async dataGet(r: Rng, target = this.dataTarget(r)): Promise<Op> {
		return this.rec.run("data_get", { key: target.key, project: target.app }, async (op) => {
			const a = await request({
				port: this.port(),
				host: this.origin(target.app),
				path: target.path,
				headers: { "cf-connecting-ip": this.address(r) },
			});
			readValue(op, a, "document_not_found", (body) => (body as { value?: { w?: string } }).value?.w ?? "(malformed)");
		});
	}

	private sqlTarget(r: Rng) {
		const app = r.pick(this.sqlApps);
		const key = `s${r.int(0, SQL_KEYS - 1)}`;
		return { app, path: `/v/1/api/kv/${key}`, key: `sql|${app}|${key}` };
	}

	async sqlPut(r: Rng): Promise<Op> {
		const t = this.sqlTarget(r);
		return this.rec.run("sql_put", { key: t.key, project: t.app }, async (op) => {
			op.value = tagOf(op.id);
			judge(
				op,
				await request({ port: this.port(), host: this.origin(t.app), method: "PUT", path: t.path, body: op.value }),
			);
		});
	}

	async sqlGet(r: Rng, target = this.sqlTarget(r)): Promise<Op> {
		return this.rec.run("sql_get", { key: target.key, project: target.app }, async (op) => {
			const a = await request({ port: this.port(), host: this.origin(target.app), path: target.path });
			readValue(op, a, "not_found", (body) => (body as { value?: string }).value ?? "(malformed)");
		});
	}

	/** Reads a key the history names, for the state at the end: `data|app|c/k` or `sql|app|k`. */
	async readBack(r: Rng, key: string): Promise<Op> {
		const [store, app, rest] = key.split("|");
		return store === "data"
			? this.dataGet(r, { app, path: `/_kiln/data/${rest}`, key })
			: this.sqlGet(r, { app, path: `/v/1/api/kv/${rest}`, key });
	}

	// ------------------------------------------------------------ Notion

	/** An automation's delivery for a seeded page (or, now and then, a page Notion does not have). */
	async automation(r: Rng, opts: { page?: SeededPage; unknownPage?: boolean } = {}): Promise<Op> {
		const route = r.pick(NOTION_ROUTES);
		const page = opts.page ?? r.pick(this.pages);
		const id = opts.unknownPage ? uuid(r) : page.id;
		const body = JSON.stringify({
			source: { type: "automation", automation_id: uuid(r), action_id: uuid(r), event_id: uuid(r), attempt: 1 },
			data: {
				object: "page",
				id,
				parent: { type: "page_id", page_id: uuid(r) },
				properties: {
					Name: title(page.title),
					Status: { type: "select", select: { id: "s1", name: r.pick(["Todo", "Doing", "Done"]), color: "blue" } },
					Guest: { type: "people", people: [{ object: "user", id: uuid(r), name: r.pick(["Ada", "Grace", "Alan"]) }] },
					JSON: { type: "rich_text", rich_text: [] },
				},
			},
		});
		return this.rec.run("notion_automation", { page: id, route }, async (op) => {
			await this.deliver(op, route, body);
			if (op.event) this.sent.push({ route, body, event: op.event });
		});
	}

	/** The same delivery again, byte for byte, as Notion repeats one it thinks was lost. */
	async duplicate(r: Rng): Promise<Op | null> {
		if (this.sent.length === 0) return null;
		const earlier = r.pick(this.sent);
		return this.rec.run("notion_duplicate", { route: earlier.route }, (op) =>
			this.deliver(op, earlier.route, earlier.body),
		);
	}

	private async deliver(op: Op, route: string, body: string) {
		const a = await request({
			port: this.port(),
			host: this.kiln(),
			method: "POST",
			path: `/notion${route}`,
			headers: { "content-type": "application/json", authorization: `Bearer ${this.secrets.webhook}` },
			body,
		});
		judge(op, a);
		if (a.status === 202 || a.status === 200) op.event = (JSON.parse(a.text) as { event?: string }).event;
	}

	/** A signed integration event: a page changed, by a person or by Kiln's own bot (ignored). */
	async integration(r: Rng): Promise<Op> {
		return this.sendIntegration(
			r,
			r.pick(this.pages),
			r.pick(["page.properties_updated", "page.created"]),
			r.chance(0.2),
		);
	}

	/**
	 * Someone moves a page to the trash and, seconds later, restores it, as
	 * Notion tells it: the page goes (the fake Notion refuses appends to it
	 * meanwhile), `page.deleted`, the page is back with its blocks, `page.undeleted`.
	 */
	async deleteAndRestore(r: Rng, notionUrl: string): Promise<Op[]> {
		const page = r.pick(this.pages.filter((p) => !this.trashed.has(p.id)));
		if (!page) return [];
		this.trashed.add(page.id);
		await fetch(`${notionUrl}/__fake/trash/${page.id}`, { method: "POST" });
		const deleted = await this.sendIntegration(r, page, "page.deleted", false);
		await new Promise((done) => setTimeout(done, r.int(2_000, 8_000)));
		await fetch(`${notionUrl}/__fake/restore/${page.id}`, { method: "POST" });
		this.trashed.delete(page.id);
		return [deleted, await this.sendIntegration(r, page, "page.undeleted", false)];
	}

	private async sendIntegration(r: Rng, page: SeededPage, type: string, byBot: boolean): Promise<Op> {
		const event = {
			id: uuid(r),
			timestamp: new Date().toISOString(),
			workspace_id: "soak-workspace",
			subscription_id: "soak-subscription",
			integration_id: "soak-integration",
			type,
			authors: [byBot ? { id: FAKE_BOT_ID, type: "bot" } : { id: uuid(r), type: "person" }],
			entity: { id: page.id, type: "page" },
			data: {},
			attempt_number: 1,
		};
		const body = JSON.stringify(event);
		const signature = await signWebhookPayload({ body, verificationToken: this.secrets.verification });
		const detail = `${type} by ${byBot ? "bot" : "person"}`;
		return this.rec.run("notion_integration", { page: page.id, route: "/webhooks", detail }, async (op) => {
			const a = await request({
				port: this.port(),
				host: this.kiln(),
				method: "POST",
				path: "/notion/webhooks",
				headers: { "content-type": "application/json", "x-notion-signature": signature },
				body,
			});
			judge(op, a);
			if (a.status === 202 || a.status === 200) op.event = (JSON.parse(a.text) as { event?: string }).event;
		});
	}
}

/** A read's outcome: 200 with the value, or the store's "not there" 404 (value null), else an error. */
function readValue(op: Op, a: Answer, absentCode: string, read: (body: unknown) => string): void {
	if (a.status === 404 && errorCode(a.text) === absentCode) {
		op.status = 404;
		op.outcome = "ok";
		op.value = null;
		return;
	}
	judge(op, a);
	if (a.status === 200) op.value = read(JSON.parse(a.text));
}

/** A UUID from the seeded stream, so a replay sends the same ids. */
export function uuid(r: Rng): string {
	const hex = Array.from({ length: 32 }, () => r.int(0, 15).toString(16)).join("");
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export const title = (text: string) => ({
	type: "title",
	title: [{ type: "text", text: { content: text }, plain_text: text }],
});
