// Integration webhooks: the handshake, signatures, routing of page.* and
// data_source.* events to the automations that care (each reading fresh
// data), and ignoring events our own integration caused.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getBlockState, putBlockState } from "../../src/db/notion";
import worker from "../../workers/notion/index";
import { FAKE_BOT_ID } from "../fakes/notion";
import { db, describeCalls, eventCount, fake, postSigned, prop, settled, sites, uuid } from "./helpers";

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

describe("verification handshake", () => {
	it("with no token configured: answers 200, logs the token once, records nothing", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const ctx = createExecutionContext();
		const unconfigured = { ...env, NOTION_VERIFICATION_TOKEN: undefined } as unknown as NotionBindings;
		const res = await worker.fetch(
			new Request("https://kiln.test/webhooks", {
				method: "POST",
				body: JSON.stringify({ verification_token: "secret_first_token_123" }),
			}),
			unconfigured,
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(200);
		const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("secret_first_token_123"));
		expect(lines).toHaveLength(1);
		expect(await eventCount()).toBe(0);
	});

	it("with no token configured, an event can't be checked: 401", async () => {
		const unconfigured = { ...env, NOTION_VERIFICATION_TOKEN: undefined } as unknown as NotionBindings;
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

	it("page.deleted drops the page's block state without calling Notion", async () => {
		const page = uuid();
		const block = uuid();
		await putBlockState(db(), { route: "/example/callout", parentId: page, blockId: block, contentHash: null });
		const e = await deliver(envelope("page.deleted", { id: page, type: "page" }));
		expect(e.status).toBe("done");
		expect(await getBlockState(db(), "/example/callout", page)).toBeNull();
		expect(await fake.calls(page, block)).toEqual([]);
	});

	it("an event type no automation handles is recorded as ignored", async () => {
		const e = await deliver(envelope("page.locked", { id: uuid(), type: "page" }));
		expect(e.status).toBe("ignored");
		expect(e.lastError).toMatch(/page\.locked/);
	});
});
