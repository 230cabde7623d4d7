// Integration webhooks: the handshake, signatures, routing of page.* and
// data_source.* events to the automations that care (each reading fresh
// data), and ignoring events our own integration caused.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getBlockState, putBlockState } from "../../src/db/notion";
import worker from "../../workers/notion/index";
import { FAKE_BOT_ID } from "../fakes/notion";
import {
	automationBody,
	calloutText,
	db,
	describeCalls,
	eventCount,
	fake,
	OPERATOR_TOKEN,
	post,
	postSigned,
	prop,
	settled,
	sites,
	uuid,
	WEBHOOK_SECRET,
} from "./helpers";

function envelope(type: string, entity: { id: string; type: string }, extra: Record<string, unknown> = {}) {
	return {
		id: uuid(),
		timestamp: new Date().toISOString(),
		workspace_id: uuid(),
		workspace_name: "Kiln tests",
		subscription_id: uuid(),
		integration_id: uuid(),
		type,
		authors: [{ id: uuid(), type: "person" }],
		attempt_number: 1,
		api_version: "2025-09-03",
		entity,
		data: {},
		...extra,
	};
}

async function deliver(ev: ReturnType<typeof envelope>) {
	const res = await postSigned(ev);
	expect(res.status).toBe(202);
	return settled(ev.id);
}

afterEach(() => vi.restoreAllMocks());

const unconfigured = { ...env, NOTION_VERIFICATION_TOKEN: undefined } as unknown as NotionBindings;

/** A handshake as Notion sends it, to the Worker with no verification token configured. */
async function handshake(token: string) {
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request("https://kiln.test/webhooks", { method: "POST", body: JSON.stringify({ verification_token: token }) }),
		unconfigured,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return res;
}

/** The operator's calls to /verification. */
async function operator(method: "GET" | "DELETE", token: string | null = OPERATOR_TOKEN) {
	return worker.fetch(
		new Request("https://kiln.test/verification", {
			method,
			headers: token ? { authorization: `Bearer ${token}` } : {},
		}),
		unconfigured,
		createExecutionContext(),
	);
}

const pendingToken = async () =>
	(await env.DB.prepare("SELECT token FROM notion_pending_verification").first<{ token: string }>())?.token ?? null;

describe("verification handshake", () => {
	beforeEach(async () => {
		await env.DB.prepare("DELETE FROM notion_pending_verification").run();
	});

	it("with no token configured: answers 200, logs the token once, records no event", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const res = await handshake("secret_first_token_123");
		expect(res.status).toBe(200);
		const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("secret_first_token_123"));
		expect(lines).toHaveLength(1);
		expect(await eventCount()).toBe(0);
		expect(await pendingToken()).toBe("secret_first_token_123");
	});

	it("keeps the first token: Notion re-sending it is answered without a second log line", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		for (let i = 0; i < 3; i++) expect((await handshake("secret_resent_token")).status).toBe(200);
		expect(log.mock.calls.filter((c) => String(c[0]).includes("secret_resent_token"))).toHaveLength(1);
	});

	it("refuses a different token while one is pending: 409, not logged, the first one stays", async () => {
		expect((await handshake("secret_notions_own_token")).status).toBe(200);
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const res = await handshake("secret_attackers_token");
		expect(res.status).toBe(409);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("verification_pending");
		expect(log.mock.calls.filter((c) => String(c[0]).includes("secret_attackers_token"))).toHaveLength(0);
		expect(await pendingToken()).toBe("secret_notions_own_token");
	});

	it("logs a token with control characters escaped, on one line", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		expect((await handshake("tok\nnotion: forged line\u001b[2J\u009b1m")).status).toBe(200);
		const line = String(log.mock.calls.find((c) => String(c[0]).includes("forged line"))?.[0]);
		expect(line).toContain("tok\\u000anotion: forged line\\u001b[2J\\u009b1m");
		for (const raw of ["\n", "\r", "\u001b", "\u009b"]) expect(line).not.toContain(raw);
	});

	it("the operator reads the pending token, discards it, and the next handshake is kept", async () => {
		await handshake("secret_stale_token");
		const read = await operator("GET");
		expect(read.status).toBe(200);
		expect(await read.json()).toMatchObject({ configured: false, pending: { token: "secret_stale_token" } });
		const discard = await operator("DELETE");
		expect(discard.status).toBe(200);
		expect(await pendingToken()).toBeNull();
		expect((await operator("DELETE")).status).toBe(404);
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		expect((await handshake("secret_fresh_token")).status).toBe(200);
		expect(log.mock.calls.filter((c) => String(c[0]).includes("secret_fresh_token"))).toHaveLength(1);
		expect(await pendingToken()).toBe("secret_fresh_token");
	});

	it("refuses a token that cannot be Notion's (empty, or a 900 KB line): 400, nothing kept or logged", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		for (const token of ["", "x".repeat(201), "y".repeat(900_000)]) {
			const res = await handshake(token);
			expect(res.status).toBe(400);
			expect(res.headers.get("content-type")).toMatch(/application\/json/);
			const body = await res.json<{ error: { code: string; message: string } }>();
			expect(body.error.code).toBe("invalid_payload");
			expect(body.error.message).toMatch(/1 to 200 characters/);
		}
		expect(log).not.toHaveBeenCalled();
		expect(await pendingToken()).toBeNull();
		expect(await eventCount()).toBe(0);
	});

	it("only the operator reads or discards the pending token: 401 otherwise, and it stays", async () => {
		await handshake("secret_kept_token");
		for (const token of [null, WEBHOOK_SECRET, "secret_kept_token"]) {
			for (const method of ["GET", "DELETE"] as const) {
				const res = await operator(method, token);
				expect(res.status).toBe(401);
				expect(res.headers.get("content-type")).toMatch(/application\/json/);
				expect(await res.text()).not.toContain("secret_kept_token");
			}
		}
		expect(await pendingToken()).toBe("secret_kept_token");
	});

	it("with no token configured, an event can't be checked: 401", async () => {
		const res = await worker.fetch(
			new Request("https://kiln.test/webhooks", {
				method: "POST",
				body: JSON.stringify(envelope("page.created", { id: uuid(), type: "page" })),
			}),
			unconfigured,
			createExecutionContext(),
		);
		expect(res.status).toBe(401);
		expect((await res.json<{ error: { code: string } }>()).error.code).toBe("not_configured");
	});

	it("after a refused handshake the configured token still verifies events", async () => {
		const refused = await postSigned({ verification_token: "secret_new" }, "secret_new");
		expect(refused.status).toBe(409);
		const ev = envelope("comment.created", { id: uuid(), type: "comment" });
		expect((await deliver(ev)).status).toBe("ignored");
	});
});

describe("events", () => {
	it("page.created: reads the page fresh, sets its favicon", async () => {
		const page = uuid();
		const s = sites();
		await fake.seed({
			pages: [{ id: page, properties: { Name: prop.title("Site"), URL: prop.url(`${s.manifest}/`) } }],
		});
		const e = await deliver(
			envelope(
				"page.created",
				{ id: page, type: "page" },
				{ data: { parent: { id: uuid(), type: "database", data_source_id: uuid() } } },
			),
		);
		expect(e.status).toBe("done");
		const calls = await fake.calls(page);
		expect(describeCalls(calls)).toEqual([`GET /v1/pages/${page}`, `PATCH /v1/pages/${page}`]);
		expect((await fake.state(page)).page.icon?.external.url).toBe(`${s.manifest}/icons/512.png`);
	});

	it("data_source.content_updated: favicons for the rows, written only where missing", async () => {
		const ds = uuid();
		const rows = [uuid(), uuid()];
		const s = sites();
		const parent = { type: "data_source_id", data_source_id: ds };
		await fake.seed({
			dataSources: [{ id: ds, database_id: uuid() }],
			pages: [
				{
					id: rows[0],
					parent,
					properties: { Name: prop.title("a"), URL: prop.url(`${s.base}/`) },
					icon: { type: "external", external: { url: `${s.base}/assets/v2/logo.svg` } },
				},
				{ id: rows[1], parent, properties: { Name: prop.title("b"), URL: prop.url(`${s.ico}/`) } },
			],
		});
		const e = await deliver(
			envelope("data_source.content_updated", { id: ds, type: "data_source" }, { data: { updated_blocks: [] } }),
		);
		expect(e.status).toBe("done");
		expect(describeCalls(await fake.calls(ds, ...rows))).toEqual([
			`POST /v1/data_sources/${ds}/query`,
			`PATCH /v1/pages/${rows[1]}`,
		]);
	});

	it("an event authored by our own bot is ignored: no page read, no write (no loops)", async () => {
		const page = uuid();
		await fake.seed({
			pages: [{ id: page, properties: { Name: prop.title("x"), URL: prop.url(`${sites().icon}/`) } }],
		});
		const e = await deliver(
			envelope("page.properties_updated", { id: page, type: "page" }, { authors: [{ id: FAKE_BOT_ID, type: "bot" }] }),
		);
		expect(e.status).toBe("ignored");
		expect(e.lastError).toMatch(/own write/);
		expect(await fake.calls(page)).toEqual([]);
	});

	it("an event by another bot is handled", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("x") } }] });
		const e = await deliver(
			envelope("page.properties_updated", { id: page, type: "page" }, { authors: [{ id: uuid(), type: "bot" }] }),
		);
		expect(e.status).toBe("ignored"); // no URL on the page: nothing to do, but it was read
		expect(describeCalls(await fake.calls(page))).toEqual([`GET /v1/pages/${page}`]);
	});

	it("page.deleted keeps the page's block state, without calling Notion: the trash can be undone", async () => {
		const page = uuid();
		const block = uuid();
		await putBlockState(db(), { route: "/example/callout", parentId: page, blockId: block, contentHash: null });
		const e = await deliver(envelope("page.deleted", { id: page, type: "page" }));
		expect(e.status).toBe("ignored");
		expect(e.lastError).toMatch(/trash/);
		expect(await getBlockState(db(), "/example/callout", page)).toMatchObject({ blockId: block });
		expect(await fake.calls(page, block)).toEqual([]);
	});

	// Found by the soak (npm run soak): a page trashed and restored came back with its
	// callout, and the next run, having forgotten it, appended a second one.
	it("a page deleted and restored keeps one callout: the next run updates it", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Trip") } }] });
		const callout = async (status: string) => {
			const res = await post(
				"/example/callout",
				automationBody({ id: page, properties: { Name: prop.title("Trip"), Status: prop.select(status) } }),
			);
			expect(res.status).toBe(202);
			return settled((await res.json<{ event: string }>()).event);
		};
		expect((await callout("Planned")).status).toBe("done");
		await fake.trash(page);
		await deliver(envelope("page.deleted", { id: page, type: "page" }));
		await fake.restore(page);
		await deliver(envelope("page.undeleted", { id: page, type: "page" }));
		expect((await callout("Booked")).status).toBe("done");
		const callouts = (await fake.state(page)).children.filter((b) => b.type === "callout" && !b.in_trash);
		expect(callouts.map((b) => calloutText(b))).toEqual(["Trip\nStatus: Booked"]);
	});

	it("an event type no automation handles is recorded as ignored", async () => {
		const e = await deliver(envelope("page.locked", { id: uuid(), type: "page" }));
		expect(e.status).toBe("ignored");
		expect(e.lastError).toMatch(/page\.locked/);
	});
});
