// The Cron Trigger's sweep of per-block state: a block that is gone (not
// found, archived, in the trash) loses its state; a 401, 429, 5xx or timeout
// deletes nothing. Also: events whose queue message was lost are re-queued.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getBlockState, getEvent, listBlockStates, putBlockState, recordEvent } from "../../src/db/notion";
import worker from "../../workers/notion/index";
import { EVENT_RETENTION_MS, sweep } from "../../workers/notion/sweep";
import { automationBody, db, describeCalls, fake, prop, settled, uuid } from "./helpers";

const bindings: NotionBindings = env;

async function stateFor(blockSetup: "present" | "missing" | "trashed" | "archived") {
	const page = uuid();
	const block = uuid();
	await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("P") } }] });
	if (blockSetup !== "missing") {
		await fake.seed({
			blocks: [
				{
					id: block,
					parent: { type: "page_id", page_id: page },
					type: "callout",
					callout: { rich_text: [{ type: "text", text: { content: "hi" } }] },
				},
			],
		});
		if (blockSetup === "trashed") await fake.trash(block);
	}
	if (blockSetup === "archived") await fake.trash(block, true);
	await putBlockState(db(), { route: "/example/callout", parentId: page, blockId: block, contentHash: null });
	return { page, block };
}

const exists = async (page: string) => (await getBlockState(db(), "/example/callout", page)) !== null;

describe("sweep", () => {
	it("deletes state whose block is not found or in the trash, keeps the rest", async () => {
		const present = await stateFor("present");
		const missing = await stateFor("missing");
		const trashed = await stateFor("trashed");
		const report = await sweep(bindings);
		expect(report).toMatchObject({ checked: 3, deleted: 2, kept: 1, errors: [] });
		expect(await exists(present.page)).toBe(true);
		expect(await exists(missing.page)).toBe(false);
		expect(await exists(trashed.page)).toBe(false);
		for (const s of [present, missing, trashed]) {
			expect(describeCalls(await fake.calls(s.block))).toEqual([`GET /v1/blocks/${s.block}`]);
		}
		// Clean up the one that stays, so later tests start empty.
		await env.DB.prepare("DELETE FROM notion_block_state").run();
	});

	it("treats an archived block (the older flag, without in_trash) as gone", async () => {
		const archived = await stateFor("archived");
		const report = await sweep(bindings);
		expect(report).toMatchObject({ checked: 1, deleted: 1 });
		expect(await exists(archived.page)).toBe(false);
	});

	for (const [what, fault] of [
		["401", { status: 401, code: "unauthorized" }],
		["429", { status: 429, retryAfter: "1" }],
		["500", { status: 500 }],
		["503", { status: 503, code: "service_unavailable" }],
		["a timeout", { stall: true }],
	] as const) {
		it(`deletes nothing on ${what}`, async () => {
			await env.DB.prepare("DELETE FROM notion_block_state").run();
			const s = await stateFor("missing"); // would be deleted if Notion could say so
			await fake.faults({ method: "GET", path: `/v1/blocks/${s.block}`, ...fault });
			const report = await sweep(bindings);
			expect(report).toMatchObject({ checked: 1, deleted: 0, kept: 0 });
			expect(report.errors).toHaveLength(1);
			expect(await exists(s.page)).toBe(true);
			// One request: the sweep does not retry; its next run is the retry.
			expect(await fake.calls(s.block)).toHaveLength(1);
			// And the next sweep, with Notion answering, deletes it.
			const next = await sweep(bindings);
			expect(next.deleted).toBe(1);
			expect(await exists(s.page)).toBe(false);
		});
	}

	it("runs from the Cron Trigger (scheduled handler)", async () => {
		await env.DB.prepare("DELETE FROM notion_block_state").run();
		const gone = await stateFor("trashed");
		const ctx = createExecutionContext();
		await worker.scheduled(
			createScheduledController({ cron: "*/10 * * * *", scheduledTime: Date.now() }),
			bindings,
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(await exists(gone.page)).toBe(false);
		expect(await listBlockStates(db(), 10)).toEqual([]);
	});

	it("re-queues an event that was recorded but never queued", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Lost") } }] });
		const id = `/example/callout:${uuid()}`;
		await recordEvent(db(), {
			id,
			source: "automation",
			route: "/example/callout",
			payload: JSON.stringify(automationBody({ id: page, properties: { Name: prop.title("Lost") } })),
		});
		await env.DB.prepare("UPDATE notion_events SET updated_at = updated_at - 600000 WHERE id = ?").bind(id).run();
		const report = await sweep(bindings);
		expect(report.requeued).toBe(1);
		const e = await settled(id);
		expect(e.status).toBe("done");
		expect(describeCalls(await fake.calls(page))).toEqual([`PATCH /v1/blocks/${page}/children`]);
		expect((await getEvent(db(), id))?.attempts).toBe(1);
	});

	it("takes its stuck thresholds from NOTION_PENDING_STUCK_MS and NOTION_RUNNING_STUCK_MS", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Stuck") } }] });
		const aged = async (status: "pending" | "running", ageMs: number) => {
			const id = `/example/callout:${uuid()}`;
			const payload = JSON.stringify(automationBody({ id: page, properties: { Name: prop.title("Stuck") } }));
			await recordEvent(db(), { id, source: "automation", route: "/example/callout", payload });
			await env.DB.prepare("UPDATE notion_events SET status = ?, updated_at = ? WHERE id = ?")
				.bind(status, Date.now() - ageMs, id)
				.run();
			return id;
		};
		// 30 s pending and 5 minutes running: under the defaults (2 and 20 minutes) both wait.
		const pending = await aged("pending", 30_000);
		const running = await aged("running", 5 * 60_000);
		await sweep(bindings);
		expect((await getEvent(db(), pending))?.status).toBe("pending");
		expect((await getEvent(db(), running))?.status).toBe("running");

		await sweep({ ...bindings, NOTION_PENDING_STUCK_MS: "20000", NOTION_RUNNING_STUCK_MS: "60000" });
		expect((await settled(pending)).status).toBe("done");
		expect((await settled(running)).status).toBe("done");
	});

	it("deletes finished events past the retention period (queries.test.ts: never a pending or running one)", async () => {
		// Notion retries an integration event for a day; the log keeps a finished event longer.
		expect(EVENT_RETENTION_MS).toBeGreaterThan(24 * 3600_000);
		const now = Date.now();
		const ids: Record<string, string> = {};
		for (const [name, status, age] of [
			["oldDone", "done", EVENT_RETENTION_MS + 60_000],
			["oldFailed", "failed", EVENT_RETENTION_MS + 60_000],
			["oldIgnored", "ignored", EVENT_RETENTION_MS + 60_000],
			["dayOldDone", "done", 25 * 3600_000],
		] as const) {
			const id = `/example/callout:${uuid()}`;
			ids[name] = id;
			await recordEvent(db(), { id, source: "automation", route: "/example/callout", payload: "{}" });
			await env.DB.prepare("UPDATE notion_events SET status = ?, created_at = ?, updated_at = ? WHERE id = ?")
				.bind(status, now - age, now - age, id)
				.run();
		}
		const report = await sweep(bindings, now);
		expect(report.expired).toBeGreaterThanOrEqual(3);
		const left = async (name: string) => (await getEvent(db(), ids[name]))?.status ?? "deleted";
		expect(await left("oldDone")).toBe("deleted");
		expect(await left("oldFailed")).toBe("deleted");
		expect(await left("oldIgnored")).toBe("deleted");
		expect(await left("dayOldDone")).toBe("done");
	});
});
