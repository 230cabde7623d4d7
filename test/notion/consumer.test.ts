// The queue consumer: a transient failure (timeout, 5xx) asks the queue for
// another try later, with a growing delay; a permanent one (a missing
// property, no NOTION_TOKEN) is acknowledged and stays failed in the log;
// a message for an event already done runs nothing.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { finishEvent, getEvent, recordEvent } from "../../src/db/notion";
import worker from "../../workers/notion/index";
import type { EventMessage } from "../../workers/notion/queue";
import { automationBody, db, fake, prop, sites, uuid } from "./helpers";

const bindings: NotionBindings = env;

async function recorded(route: string, body: unknown): Promise<string> {
	const id = `${route}:${uuid()}`;
	await recordEvent(db(), { id, source: "automation", route, payload: JSON.stringify(body) });
	return id;
}

async function consume(ids: string[], attempts = 1, e: NotionBindings = bindings) {
	const batch = createMessageBatch<EventMessage>(
		"kiln-notion-events",
		ids.map((eventId, i) => ({ id: `m${i}`, timestamp: Date.now(), attempts, body: { eventId } })),
	);
	// The plugin's result does not report retry delays, so read them off the calls.
	const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
	const ctx = createExecutionContext();
	await worker.queue(batch, e, ctx);
	const result = await getQueueResult(batch, ctx);
	return { ...result, delays: retries.flatMap((r) => r.mock.calls.map((c) => c[0]?.delaySeconds)) };
}

describe("queue consumer", () => {
	it("asks for a retry after a timeout, later ones waiting longer", async () => {
		const row = uuid();
		await fake.seed({ pages: [{ id: row, properties: { Name: prop.title("R"), URL: prop.url(`${sites().icon}/`) } }] });
		await fake.faults({ method: "GET", path: `/v1/pages/${row}`, stall: true, times: 2 });
		const id = await recorded("/example/database/page", automationBody({ id: row }));
		const first = await consume([id], 1);
		expect(first.retryMessages).toEqual([{ msgId: "m0" }]);
		expect(first.delays).toEqual([30]);
		expect(await getEvent(db(), id)).toMatchObject({ status: "failed", attempts: 1 });
		const second = await consume([id], 3);
		expect(second.delays).toEqual([120]);
		// Notion answers again: the next delivery of the message finishes the event.
		const third = await consume([id], 4);
		expect(third.explicitAcks).toEqual(["m0"]);
		expect(await getEvent(db(), id)).toMatchObject({ status: "done", attempts: 3 });
	});

	it("acknowledges a permanent failure; the event stays failed with the reason", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("x") } }] });
		const id = await recorded(
			"/property/injections",
			automationBody({ id: page, properties: { Name: prop.title("x") } }),
		);
		const result = await consume([id]);
		expect(result.explicitAcks).toEqual(["m0"]);
		expect(result.retryMessages).toEqual([]);
		expect((await getEvent(db(), id))?.lastError).toMatch(/no property "JSON"/);
	});

	it("without NOTION_TOKEN the event fails with a message that says what to set", async () => {
		const id = await recorded("/example/callout", automationBody({ id: uuid() }));
		const result = await consume([id], 1, { ...bindings, NOTION_TOKEN: undefined } as NotionBindings);
		expect(result.explicitAcks).toEqual(["m0"]);
		expect(await getEvent(db(), id)).toMatchObject({ status: "failed" });
		expect((await getEvent(db(), id))?.lastError).toMatch(/NOTION_TOKEN is not set/);
	});

	it("runs nothing for an event that is already done (a message delivered twice)", async () => {
		const page = uuid();
		const id = await recorded("/example/callout", automationBody({ id: page }));
		await finishEvent(db(), id, "done");
		const result = await consume([id]);
		expect(result.explicitAcks).toEqual(["m0"]);
		expect(await fake.calls(page)).toEqual([]);
		expect((await getEvent(db(), id))?.attempts).toBe(0);
	});
});

describe("an append whose answer was lost", () => {
	it("is not repeated: the next attempt finds the callout the first one created and adopts it", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Twice?") } }] });
		// Notion appends the callout, but the answer is a 500.
		await fake.faults({ method: "PATCH", path: `/v1/blocks/${page}/children`, status: 500, applied: true });
		const id = await recorded(
			"/example/callout",
			automationBody({ id: page, properties: { Name: prop.title("Twice?") } }),
		);
		const first = await consume([id], 1);
		expect(first.retryMessages).toEqual([{ msgId: "m0" }]);
		expect((await fake.state(page)).children).toHaveLength(1);

		const second = await consume([id], 2);
		expect(second.explicitAcks).toEqual(["m0"]);
		expect(await getEvent(db(), id)).toMatchObject({ status: "done", attempts: 2 });
		const calls = await fake.calls(page);
		expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
			`PATCH /v1/blocks/${page}/children 500`,
			`GET /v1/blocks/${page}/children 200`,
		]);
		const kids = (await fake.state(page)).children;
		expect(kids).toHaveLength(1);
		// And the block is now ours: the next run reads it, and does not append again.
		const third = await recorded(
			"/example/callout",
			automationBody({ id: page, properties: { Name: prop.title("Twice?") } }),
		);
		await consume([third]);
		expect((await fake.calls(page, kids[0].id)).slice(2).map((c) => `${c.method} ${c.path}`)).toEqual([
			`GET /v1/blocks/${kids[0].id}`,
		]);
	});
});

describe("D1 failing under a run", () => {
	it("asks for a retry (it says nothing about the event), and the retry finds the callout the first run made", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("D1 blip") } }] });
		const id = await recorded(
			"/example/callout",
			automationBody({ id: page, properties: { Name: prop.title("D1 blip") } }),
		);
		// Writing the block state fails once, after the callout was appended in Notion.
		let failures = 1;
		const blip = new Proxy(env.DB, {
			get(target, prop) {
				if (prop === "prepare") {
					return (query: string) => {
						const stmt = target.prepare(query);
						if (!/insert into "notion_block_state"/i.test(query) || failures === 0) return stmt;
						failures--;
						const locked = () => Promise.reject(new Error("D1_ERROR: database is locked"));
						const failing = { run: locked, all: locked, raw: locked, first: locked };
						return { ...failing, bind: () => failing };
					};
				}
				const v = Reflect.get(target, prop, target);
				return typeof v === "function" ? v.bind(target) : v;
			},
		});
		const first = await consume([id], 1, { ...bindings, DB: blip } as NotionBindings);
		expect(first.retryMessages).toEqual([{ msgId: "m0" }]);
		const second = await consume([id], 2);
		expect(second.retryMessages).toEqual([]);
		expect(await getEvent(db(), id)).toMatchObject({ status: "done", attempts: 2 });
		// One callout: the retry adopted the first run's instead of appending another.
		expect((await fake.state(page)).children).toHaveLength(1);
	});
});
