/**
 * A fake Notion API over HTTP (Node), speaking the 2025-09-03 shapes the notion
 * Worker uses: pages, databases → data sources, data source queries, blocks
 * and their children, users/me. It records every call (method, path, body,
 * arrival time) and can be told to fail: 429 with Retry-After, 5xx, 404
 * object_not_found, a stall that never answers, or a delay.
 *
 * Tests drive it over HTTP too (they run inside workerd): `/__fake/seed`,
 * `/__fake/faults` (`/__fake/faults/clear` drops those not yet used up), `/__fake/calls`, `/__fake/state/:id`,
 * `/__fake/trash/:id` and `/__fake/restore/:id` (out of the trash again). As in Notion, nothing
 * can be appended to a page or block in the trash.
 * Every test uses its own random ids, so files running at once don't collide;
 * `/__fake/calls?ids=a,b` returns the calls that mention any of those ids.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const FAKE_TOKEN = "ntn_fake_integration_token";
export const FAKE_BOT_ID = "b0700000-0000-4000-8000-000000000b07";
export const NOTION_VERSION = "2025-09-03";

type Json = Record<string, unknown>;

export interface RecordedCall {
	method: string;
	path: string;
	query: string;
	body: unknown;
	/** Arrival time (ms since epoch, this process's clock). */
	at: number;
	status: number | "stalled";
}

export interface Fault {
	method?: string;
	/** The request path must contain this. */
	path: string;
	status?: number;
	code?: string;
	/** Retry-After header value (seconds). */
	retryAfter?: string;
	/** Never answer. */
	stall?: boolean;
	/**
	 * Answer only after this many milliseconds: normally when no `status` is given (a slow
	 * Notion, so two runs overlap), else with the fault.
	 */
	delayMs?: number;
	/** Do the work, then answer with the error anyway (the write happened; the client can't know). */
	applied?: boolean;
	/** How many matching requests it applies to (default 1). */
	times?: number;
	/**
	 * The error's message instead of "Fake fault: <code>."; `{authorization}` becomes the
	 * request's Authorization header, as a misbehaving proxy in front of Notion might echo it.
	 */
	message?: string;
}

export interface FakeNotion {
	url: string;
	calls: RecordedCall[];
	close: () => Promise<void>;
}

const now = () => new Date().toISOString();

function richText(items: unknown, titles: (id: string) => string): Json[] {
	if (!Array.isArray(items)) return [];
	return items.map((raw: Json) => {
		const annotations = {
			bold: false,
			italic: false,
			strikethrough: false,
			underline: false,
			code: false,
			color: "default",
			...((raw.annotations as Json) ?? {}),
		};
		if (raw.type === "mention") {
			const m = raw.mention as { type: string; page?: { id: string } };
			const title = m.page ? titles(m.page.id) : "";
			return { type: "mention", mention: m, annotations, plain_text: title, href: null };
		}
		const text = (raw.text as { content: string; link?: { url: string } | null }) ?? { content: "" };
		return {
			type: "text",
			text: { content: text.content, link: text.link ?? null },
			annotations,
			plain_text: text.content,
			href: text.link?.url ?? null,
		};
	});
}

function error(res: ServerResponse, status: number, code: string, message: string, headers: Json = {}) {
	res.writeHead(status, { "content-type": "application/json", ...(headers as Record<string, string>) });
	res.end(JSON.stringify({ object: "error", status, code, message, request_id: randomUUID() }));
	return status;
}

function send(res: ServerResponse, body: unknown) {
	res.writeHead(200, { "content-type": "application/json" });
	res.end(JSON.stringify(body));
	return 200;
}

/** Starts the fake on 127.0.0.1 (a random port unless given). */
export async function startFakeNotion(port = 0): Promise<FakeNotion> {
	const pages = new Map<string, Json>();
	const blocks = new Map<string, Json>();
	const children = new Map<string, string[]>();
	const dataSources = new Map<string, { id: string; database_id: string; rows: string[] }>();
	const databases = new Map<string, { id: string; data_sources: { id: string; name: string }[] }>();
	const faults: Fault[] = [];
	const calls: RecordedCall[] = [];
	const stalled = new Set<ServerResponse>();

	const norm = (id: string) => id.replace(/-/g, "").toLowerCase();
	const find = <T>(map: Map<string, T>, id: string): T | undefined => {
		for (const [k, v] of map) if (norm(k) === norm(id)) return v;
		return undefined;
	};
	const titleOf = (id: string) => {
		const p = find(pages, id);
		const t = Object.values((p?.properties as Record<string, Json>) ?? {}).find((v) => v.type === "title");
		return ((t?.title as Json[]) ?? []).map((i) => i.plain_text).join("");
	};

	function seed(body: Json) {
		for (const db of (body.databases as Json[]) ?? []) databases.set(db.id as string, db as never);
		for (const ds of (body.dataSources as Json[]) ?? [])
			dataSources.set(ds.id as string, { rows: [], ...(ds as { id: string; database_id: string }) });
		for (const p of (body.pages as Json[]) ?? []) {
			const page: Json = {
				object: "page",
				created_time: now(),
				last_edited_time: now(),
				in_trash: false,
				archived: false,
				icon: null,
				cover: null,
				url: `https://www.notion.so/${norm(p.id as string)}`,
				...p,
			};
			const props = (page.properties as Record<string, Json>) ?? {};
			for (const [name, v] of Object.entries(props)) {
				v.id ??= name.slice(0, 4);
				for (const k of ["title", "rich_text"]) if (k in v) v[k] = richText(v[k], titleOf);
			}
			pages.set(page.id as string, page);
			const parent = page.parent as Json | undefined;
			if (parent?.data_source_id) find(dataSources, parent.data_source_id as string)?.rows.push(page.id as string);
		}
		for (const b of (body.blocks as Json[]) ?? []) {
			const block = normalizeBlock(b);
			blocks.set(block.id as string, block);
			const parentId = ((block.parent as Json).page_id ?? (block.parent as Json).block_id) as string;
			const list = children.get(norm(parentId)) ?? [];
			list.push(block.id as string);
			children.set(norm(parentId), list);
		}
	}

	function normalizeBlock(b: Json): Json {
		const type = b.type as string;
		const content = { ...((b[type] as Json) ?? {}) };
		if ("rich_text" in content) content.rich_text = richText(content.rich_text, titleOf);
		if (type === "callout") content.color ??= "default";
		return {
			object: "block",
			id: b.id ?? randomUUID(),
			parent: b.parent,
			created_time: now(),
			last_edited_time: now(),
			has_children: false,
			in_trash: false,
			archived: false,
			type,
			[type]: content,
		};
	}

	function route(req: IncomingMessage, res: ServerResponse, path: string, url: URL, body: Json): number {
		const m = (re: RegExp) => re.exec(path);
		let r: RegExpExecArray | null;
		if (req.method === "GET" && path === "/v1/users/me") {
			return send(res, { object: "user", id: FAKE_BOT_ID, type: "bot", name: "Kiln", bot: {} });
		}
		r = m(/^\/v1\/pages\/([^/]+)$/);
		if (r) {
			const page = find(pages, r[1]);
			if (!page) return error(res, 404, "object_not_found", `Could not find page with ID: ${r[1]}.`);
			if (req.method === "GET") return send(res, page);
			if (req.method === "PATCH") {
				if ("icon" in body) page.icon = body.icon;
				const props = (page.properties as Record<string, Json>) ?? {};
				for (const [name, value] of Object.entries((body.properties as Record<string, Json>) ?? {})) {
					const current = props[name];
					if (!current) return error(res, 400, "validation_error", `${name} is not a property that exists.`);
					const type = current.type as string;
					if (!(type in value)) return error(res, 400, "validation_error", `${name} is expected to be ${type}.`);
					current[type] = type === "title" || type === "rich_text" ? richText(value[type], titleOf) : value[type];
				}
				if ("in_trash" in body) page.in_trash = page.archived = body.in_trash;
				page.last_edited_time = now();
				return send(res, page);
			}
		}
		r = m(/^\/v1\/databases\/([^/]+)$/);
		if (req.method === "GET" && r) {
			const db = find(databases, r[1]);
			if (!db) return error(res, 404, "object_not_found", `Could not find database with ID: ${r[1]}.`);
			return send(res, { object: "database", ...db });
		}
		r = m(/^\/v1\/data_sources\/([^/]+)\/query$/);
		if (req.method === "POST" && r) {
			const ds = find(dataSources, r[1]);
			if (!ds) return error(res, 404, "object_not_found", `Could not find data source with ID: ${r[1]}.`);
			const size = Math.min(Number(body.page_size ?? 100), 100);
			const start = body.start_cursor ? ds.rows.indexOf(body.start_cursor as string) : 0;
			const slice = ds.rows.slice(start, start + size);
			const next = ds.rows[start + size] ?? null;
			return send(res, {
				object: "list",
				results: slice.map((id) => pages.get(id)).filter((p) => p && !p.in_trash),
				has_more: next !== null,
				next_cursor: next,
				type: "page_or_data_source",
			});
		}
		r = m(/^\/v1\/blocks\/([^/]+)\/children$/);
		if (r) {
			const parentId = r[1];
			if (!find(pages, parentId) && !find(blocks, parentId)) {
				return error(res, 404, "object_not_found", `Could not find block with ID: ${parentId}.`);
			}
			const list = children.get(norm(parentId)) ?? [];
			if (req.method === "GET") {
				const size = Math.min(Number(url.searchParams.get("page_size") ?? 100), 100);
				const visible = list.map((id) => blocks.get(id) as Json).filter((b) => !b.in_trash);
				const cursor = url.searchParams.get("start_cursor");
				const start = cursor ? visible.findIndex((b) => b.id === cursor) : 0;
				const slice = visible.slice(start, start + size);
				const next = visible[start + size]?.id ?? null;
				return send(res, { object: "list", results: slice, has_more: next !== null, next_cursor: next, type: "block" });
			}
			if (req.method === "PATCH") {
				if ((find(pages, parentId) ?? find(blocks, parentId))?.in_trash) {
					return error(
						res,
						400,
						"validation_error",
						"Can't edit block that is archived. You must unarchive the block before editing.",
					);
				}
				const created = ((body.children as Json[]) ?? []).map((c) =>
					normalizeBlock({ ...c, parent: { type: "page_id", page_id: parentId } }),
				);
				for (const b of created) {
					blocks.set(b.id as string, b);
					list.push(b.id as string);
				}
				children.set(norm(parentId), list);
				return send(res, { object: "list", results: created, has_more: false, next_cursor: null, type: "block" });
			}
		}
		r = m(/^\/v1\/blocks\/([^/]+)$/);
		if (r) {
			const block = find(blocks, r[1]);
			if (!block) return error(res, 404, "object_not_found", `Could not find block with ID: ${r[1]}.`);
			if (req.method === "GET") return send(res, block);
			if (req.method === "PATCH") {
				const type = block.type as string;
				if (block.in_trash) return error(res, 400, "validation_error", "Can't edit block that is archived.");
				if (body[type]) {
					const updated = normalizeBlock({ ...block, [type]: { ...(block[type] as Json), ...(body[type] as Json) } });
					Object.assign(block, { [type]: updated[type], last_edited_time: now() });
				}
				return send(res, block);
			}
			if (req.method === "DELETE") {
				block.in_trash = block.archived = true;
				return send(res, block);
			}
		}
		return error(res, 400, "invalid_request_url", `Invalid request URL: ${req.method} ${path}.`);
	}

	function control(res: ServerResponse, path: string, url: URL, body: Json) {
		if (path === "/__fake/seed") {
			seed(body);
			return send(res, { ok: true });
		}
		if (path === "/__fake/faults") {
			faults.push(...((body.faults as Fault[]) ?? []));
			return send(res, { ok: true });
		}
		if (path === "/__fake/faults/clear") {
			faults.length = 0;
			return send(res, { ok: true });
		}
		if (path === "/__fake/calls") {
			const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean).map(norm);
			const mentions = (c: RecordedCall) => {
				const text = norm(`${c.path} ${JSON.stringify(c.body ?? "")}`);
				return ids.some((id) => text.includes(id));
			};
			return send(res, { calls: ids.length ? calls.filter(mentions) : calls });
		}
		let r: RegExpExecArray | null;
		r = /^\/__fake\/state\/([^/]+)$/.exec(path);
		if (r) {
			const id = r[1];
			const page = find(pages, id);
			const block = find(blocks, id);
			const kids = (children.get(norm(id)) ?? []).map((k) => blocks.get(k));
			return send(res, { page: page ?? null, block: block ?? null, children: kids });
		}
		r = /^\/__fake\/trash\/([^/]+)$/.exec(path);
		if (r) {
			const target = find(blocks, r[1]) ?? find(pages, r[1]);
			// ?flag=archived: only the older flag, as pre-2025-09-03 shapes say it.
			if (target && url.searchParams.get("flag") === "archived") target.archived = true;
			else if (target) target.in_trash = target.archived = true;
			return send(res, { ok: Boolean(target) });
		}
		r = /^\/__fake\/restore\/([^/]+)$/.exec(path);
		if (r) {
			const target = find(blocks, r[1]) ?? find(pages, r[1]);
			if (target) target.in_trash = target.archived = false;
			return send(res, { ok: Boolean(target) });
		}
		r = /^\/__fake\/delete\/([^/]+)$/.exec(path);
		if (r) {
			for (const [k] of blocks) if (norm(k) === norm(r[1])) blocks.delete(k);
			return send(res, { ok: true });
		}
		return error(res, 404, "not_found", "unknown control path");
	}

	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c) => chunks.push(c));
		req.on("end", () => {
			const url = new URL(req.url ?? "/", "http://fake");
			const path = url.pathname;
			const text = Buffer.concat(chunks).toString("utf8");
			let body: Json = {};
			try {
				body = text ? JSON.parse(text) : {};
			} catch {
				if (!path.startsWith("/__fake")) return error(res, 400, "invalid_json", "Error parsing JSON body.");
			}
			if (path.startsWith("/__fake")) return control(res, path, url, body);

			const call: RecordedCall = {
				method: req.method ?? "",
				path,
				query: url.search,
				body: text ? body : null,
				at: Date.now(),
				status: 0,
			};
			calls.push(call);
			if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
				call.status = error(res, 401, "unauthorized", "API token is invalid.");
				return;
			}
			if (req.headers["notion-version"] !== NOTION_VERSION) {
				call.status = error(res, 400, "missing_version", `Expected Notion-Version ${NOTION_VERSION}.`);
				return;
			}
			const fault = faults.find(
				(f) => (f.times ?? 1) > 0 && path.includes(f.path) && (!f.method || f.method === req.method),
			);
			if (fault) {
				fault.times = (fault.times ?? 1) - 1;
				if (fault.stall) {
					call.status = "stalled";
					stalled.add(res);
					res.on("close", () => stalled.delete(res));
					return;
				}
				const answer = () => {
					if (fault.delayMs !== undefined && fault.status === undefined) {
						call.status = route(req, res, path, url, body);
						return;
					}
					if (fault.applied) route(req, { writeHead() {}, end() {} } as unknown as ServerResponse, path, url, body);
					const status = fault.status ?? 500;
					const code =
						fault.code ??
						(status === 429 ? "rate_limited" : status === 404 ? "object_not_found" : "internal_server_error");
					call.status = error(
						res,
						status,
						code,
						fault.message?.replaceAll("{authorization}", req.headers.authorization ?? "") ?? `Fake fault: ${code}.`,
						fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
					);
				};
				if (fault.delayMs) setTimeout(answer, fault.delayMs);
				else answer();
				return;
			}
			call.status = route(req, res, path, url, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
	const { port: bound } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${bound}`,
		calls,
		close: () =>
			new Promise<void>((resolve) => {
				for (const res of stalled) res.destroy();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
