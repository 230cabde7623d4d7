// src/db/notion.ts against a real local D1: dedupe under concurrency, claiming
// (a queue message delivered twice runs once), replay, stuck-event recovery,
// block state.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	claimBlock,
	claimEvent,
	deleteBlockState,
	deleteBlockStatesFor,
	deleteExpiredClaims,
	deleteExpiredEvents,
	finishEvent,
	getBlockClaim,
	getBlockState,
	getEvent,
	listEvents,
	putBlockState,
	reclaimStuckEvents,
	recordEvent,
	releaseClaim,
	requeueEvent,
	settleClaim,
	takeOverClaim,
} from "../../src/db/notion";
import { db, uuid } from "./helpers";

const newEvent = () => ({ id: uuid(), source: "integration" as const, route: "/webhooks", payload: "{}" });

describe("events", () => {
	it("records an id once, even when ten deliveries race", async () => {
		const e = newEvent();
		const wins = await Promise.all(Array.from({ length: 10 }, () => recordEvent(db(), e)));
		expect(wins.filter(Boolean)).toHaveLength(1);
		expect(await getEvent(db(), e.id)).toMatchObject({ status: "pending", attempts: 0 });
	});

	it("claims an event for one run at a time", async () => {
		const e = newEvent();
		await recordEvent(db(), e);
		const claims = await Promise.all([claimEvent(db(), e.id), claimEvent(db(), e.id)]);
		expect(claims.filter(Boolean)).toHaveLength(1);
		await finishEvent(db(), e.id, "done");
		expect(await claimEvent(db(), e.id)).toBeNull();
		expect(await claimEvent(db(), "no-such-event")).toBeNull();
	});

	it("a failed event can be claimed again; a replay re-opens a done one", async () => {
		const e = newEvent();
		await recordEvent(db(), e);
		await claimEvent(db(), e.id);
		await finishEvent(db(), e.id, "failed", "boom");
		expect(await claimEvent(db(), e.id)).toMatchObject({ status: "running", attempts: 2, lastError: "boom" });
		await finishEvent(db(), e.id, "done");
		expect(await requeueEvent(db(), e.id)).toBe(true);
		expect(await claimEvent(db(), e.id)).toMatchObject({ attempts: 3 });
		expect(await requeueEvent(db(), "missing")).toBe(false);
	});

	it("reclaims events stuck pending or running, not fresh ones", async () => {
		const [oldPending, oldRunning, fresh] = [newEvent(), newEvent(), newEvent()];
		for (const e of [oldPending, oldRunning, fresh]) await recordEvent(db(), e);
		await claimEvent(db(), oldRunning.id);
		await env.DB.prepare("UPDATE notion_events SET updated_at = updated_at - 3600000 WHERE id IN (?, ?)")
			.bind(oldPending.id, oldRunning.id)
			.run();
		const ids = await reclaimStuckEvents(db(), Date.now(), 120_000, 1_200_000);
		expect(ids.sort()).toEqual([oldPending.id, oldRunning.id].sort());
		expect((await getEvent(db(), oldRunning.id))?.status).toBe("pending");
		// A run that died may have written: it is marked, so the next run looks before writing again.
		expect((await getEvent(db(), oldRunning.id))?.lastError).toMatch(/did not finish/);
		expect((await getEvent(db(), oldPending.id))?.lastError).toBeNull();
	});

	it("a replay does not re-open a running event (two runs side by side could write twice)", async () => {
		const e = newEvent();
		await recordEvent(db(), e);
		await claimEvent(db(), e.id);
		expect(await requeueEvent(db(), e.id)).toBe(false);
		expect((await getEvent(db(), e.id))?.status).toBe("running");
	});

	it("retention deletes events that are over and old, never pending or running ones", async () => {
		const events = Object.fromEntries(
			["done", "failed", "ignored", "pending", "running", "recentDone"].map((k) => [k, newEvent()]),
		);
		for (const e of Object.values(events)) await recordEvent(db(), e);
		await claimEvent(db(), events.running.id);
		for (const k of ["done", "failed", "ignored", "recentDone"] as const) {
			await claimEvent(db(), events[k].id);
			await finishEvent(db(), events[k].id, k === "recentDone" ? "done" : k);
		}
		const cutoff = Date.now() - 1000;
		await env.DB.prepare("UPDATE notion_events SET updated_at = ? WHERE id IN (?, ?, ?, ?, ?)")
			.bind(cutoff - 3600_000, ...["done", "failed", "ignored", "pending", "running"].map((k) => events[k].id))
			.run();
		expect(await deleteExpiredEvents(db(), cutoff)).toBeGreaterThanOrEqual(3);
		const status = async (k: string) => (await getEvent(db(), events[k].id))?.status ?? "deleted";
		expect(await status("done")).toBe("deleted");
		expect(await status("failed")).toBe("deleted");
		expect(await status("ignored")).toBe("deleted");
		expect(await status("pending")).toBe("pending");
		expect(await status("running")).toBe("running");
		expect(await status("recentDone")).toBe("done");
	});

	it("lists newest first, filtered", async () => {
		const e = newEvent();
		await recordEvent(db(), e);
		await finishEvent(db(), e.id, "ignored", "not ours");
		const rows = await listEvents(db(), { limit: 5, status: "ignored" });
		expect(rows[0]).toMatchObject({ id: e.id, status: "ignored", lastError: "not ours" });
	});
});

describe("block state", () => {
	it("stores, replaces and drops the block a route wrote", async () => {
		const page = uuid();
		await putBlockState(db(), { route: "/example/callout", parentId: page, blockId: "b1", contentHash: "h1" });
		await putBlockState(db(), { route: "/example/callout", parentId: page, blockId: "b2", contentHash: "h2" });
		expect(await getBlockState(db(), "/example/callout", page)).toMatchObject({ blockId: "b2", contentHash: "h2" });
		expect(await deleteBlockStatesFor(db(), "b2")).toBe(1);
		expect(await getBlockState(db(), "/example/callout", page)).toBeNull();
	});

	it("the sweep's delete spares a state that names a newer block than the one found gone", async () => {
		const page = uuid();
		await putBlockState(db(), { route: "/example/callout", parentId: page, blockId: "new", contentHash: null });
		await deleteBlockState(db(), "/example/callout", page, "old");
		expect(await getBlockState(db(), "/example/callout", page)).toMatchObject({ blockId: "new" });
		await deleteBlockState(db(), "/example/callout", page, "new");
		expect(await getBlockState(db(), "/example/callout", page)).toBeNull();
	});
});

describe("append claims", () => {
	const claimFor = (page: string, eventId = uuid()) => ({
		route: "/example/callout",
		parentId: page,
		claimId: uuid(),
		eventId,
		contentHash: "h",
		expiresAt: Date.now() + 60_000,
	});

	it("one of ten racing claims on a (route, page) wins; another page or route is free", async () => {
		const page = uuid();
		const wins = await Promise.all(Array.from({ length: 10 }, () => claimBlock(db(), claimFor(page))));
		expect(wins.filter(Boolean)).toHaveLength(1);
		expect(await claimBlock(db(), claimFor(uuid()))).not.toBeNull();
		expect(await claimBlock(db(), { ...claimFor(page), route: "/example/guest/welcome" })).not.toBeNull();
	});

	it("a takeover, a settle or a release acts only on the claim that was read", async () => {
		const page = uuid();
		const first = (await claimBlock(db(), claimFor(page))) as NonNullable<Awaited<ReturnType<typeof claimBlock>>>;
		const next = { claimId: uuid(), eventId: uuid(), contentHash: "h2", expiresAt: Date.now() + 60_000 };
		const taken = await takeOverClaim(db(), first, next);
		expect(taken).toMatchObject({ claimId: next.claimId, contentHash: "h2", blockId: null });
		// A second run that read the first claim too loses the takeover.
		expect(await takeOverClaim(db(), first, { ...next, claimId: uuid() })).toBeNull();
		// Stale handles do nothing.
		await settleClaim(db(), first, 1, "b-old");
		await releaseClaim(db(), first);
		expect(await getBlockClaim(db(), "/example/callout", page)).toMatchObject({ claimId: next.claimId, blockId: null });
		await settleClaim(db(), taken as NonNullable<typeof taken>, 5, "b1");
		expect(await getBlockClaim(db(), "/example/callout", page)).toMatchObject({ expiresAt: 5, blockId: "b1" });
		await releaseClaim(db(), taken as NonNullable<typeof taken>);
		expect(await getBlockClaim(db(), "/example/callout", page)).toBeNull();
	});

	it("retention deletes claims in doubt since before the cutoff, not live ones", async () => {
		const [old, live] = [uuid(), uuid()];
		await claimBlock(db(), { ...claimFor(old), expiresAt: 1000 });
		await claimBlock(db(), claimFor(live));
		expect(await deleteExpiredClaims(db(), 2000)).toBeGreaterThanOrEqual(1);
		expect(await getBlockClaim(db(), "/example/callout", old)).toBeNull();
		expect(await getBlockClaim(db(), "/example/callout", live)).not.toBeNull();
	});
});
