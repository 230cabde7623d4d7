// One callout per page under races: two *different* events for the same page
// and route, arriving together, must not each append a callout. A run claims
// (route, page) in D1 before appending; the other adopts the holder's block
// (workers/notion/blocks.ts). The fake Notion holds the first append's answer
// back (or loses it) so that the second run starts while the first is appending.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { claimBlock, getBlockClaim, getBlockState, getEvent, recordEvent } from "../../src/db/notion";
import { RetryLater } from "../../workers/notion/automations/contract";
import { summaryCallout } from "../../workers/notion/automations/example-callout";
import { keepBlock } from "../../workers/notion/blocks";
import { automationPayload } from "../../workers/notion/payloads";
import { runEvent } from "../../workers/notion/run";
import { runContext } from "../../workers/notion/settings";
import { automationBody, calloutText, db, describeCalls, fake, post, prop, settled, uuid } from "./helpers";

const bindings: NotionBindings = env;
const ROUTE = "/example/callout";

const body = (page: string, title: string) => automationBody({ id: page, properties: { Name: prop.title(title) } });

async function recorded(page: string, title: string): Promise<string> {
	const id = `${ROUTE}:${uuid()}`;
	await recordEvent(db(), { id, source: "automation", route: ROUTE, payload: JSON.stringify(body(page, title)) });
	return id;
}

async function newPage(): Promise<string> {
	const page = uuid();
	await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Page") } }] });
	return page;
}

const isAppend = (page: string) => (c: { method: string; path: string }) =>
	c.method === "PATCH" && c.path === `/v1/blocks/${page}/children`;

/** Until the fake has received the page's first append (its answer held back). */
async function appendArrived(page: string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!(await fake.calls(page)).some(isAppend(page))) {
		if (Date.now() > deadline) throw new Error("the append never reached the fake");
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** The callouts the page shows (not in the trash). */
async function callouts(page: string) {
	return (await fake.state(page)).children.filter((b) => b.type === "callout" && !b.in_trash);
}

describe("two different events for one page and route", () => {
	it("delivered together leave one callout, whichever runs first", async () => {
		const page = await newPage();
		// The first append is answered late, so both runs are under way at once.
		await fake.faults({ method: "PATCH", path: `/v1/blocks/${page}/children`, delayMs: 800 });
		const answers = await Promise.all([post(ROUTE, body(page, "Alpha")), post(ROUTE, body(page, "Beta"))]);
		const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { event: string }).event));
		expect(answers.map((r) => r.status)).toEqual([202, 202]);
		for (const id of ids) expect((await settled(id)).status).toBe("done");
		expect((await fake.calls(page)).filter(isAppend(page))).toHaveLength(1);
		const [only, ...more] = await callouts(page);
		expect(more).toEqual([]);
		expect(calloutText(only)).toMatch(/^(Alpha|Beta)\n/);
		expect((await getBlockState(db(), ROUTE, page))?.blockId).toBe(only.id);
		expect(await getBlockClaim(db(), ROUTE, page)).toBeNull();
	});

	for (const [first, second] of [
		["Alpha", "Beta"],
		["Beta", "Alpha"],
	]) {
		it(`${first} first: ${second} waits for ${first}'s callout and updates it, appending nothing`, async () => {
			const page = await newPage();
			await fake.faults({ method: "PATCH", path: `/v1/blocks/${page}/children`, delayMs: 1000 });
			const [a, b] = [await recorded(page, first), await recorded(page, second)];
			const winner = runEvent(bindings, a);
			await appendArrived(page);
			const loser = runEvent(bindings, b);
			expect(await Promise.all([winner, loser])).toEqual(["done", "done"]);

			const [only, ...more] = await callouts(page);
			expect(more).toEqual([]);
			// The later run wrote last: the callout shows its title, in place.
			expect(calloutText(only)).toMatch(new RegExp(`^${second}\\n`));
			expect(describeCalls(await fake.calls(page, only.id))).toEqual([
				`PATCH /v1/blocks/${page}/children`,
				`GET /v1/blocks/${only.id}`,
				`PATCH /v1/blocks/${only.id}`,
			]);
			expect(await getBlockClaim(db(), ROUTE, page)).toBeNull();
		});

		it(`${first}'s append answer is lost: ${second} finds that callout and adopts it; ${first}'s retry appends nothing`, async () => {
			const page = await newPage();
			// Notion appends the callout, then answers 500 (late, so the second run is waiting).
			await fake.faults({
				method: "PATCH",
				path: `/v1/blocks/${page}/children`,
				status: 500,
				applied: true,
				delayMs: 800,
			});
			const [a, b] = [await recorded(page, first), await recorded(page, second)];
			const winner = runEvent(bindings, a);
			await appendArrived(page);
			const loser = runEvent(bindings, b);
			// The first asks the queue for another try; the second is done.
			expect(await Promise.all([winner, loser])).toEqual(["retry", "done"]);
			const [only, ...more] = await callouts(page);
			expect(more).toEqual([]);
			expect(calloutText(only)).toMatch(new RegExp(`^${second}\\n`));
			expect((await fake.calls(page, only.id)).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
				`PATCH /v1/blocks/${page}/children 500`,
				`GET /v1/blocks/${page}/children 200`,
				`PATCH /v1/blocks/${only.id} 200`,
			]);

			// The first event's retry finds the recorded block and updates it to its own title.
			expect(await runEvent(bindings, a)).toBe("done");
			expect(await getEvent(db(), a)).toMatchObject({ status: "done", attempts: 2 });
			expect(await callouts(page)).toHaveLength(1);
			expect((await fake.calls(page)).filter(isAppend(page))).toHaveLength(1);
			expect(calloutText((await callouts(page))[0])).toMatch(new RegExp(`^${first}\\n`));
		});
	}

	it("an append that never reached Notion (answer 500, nothing written): the next run takes the claim over and appends", async () => {
		const page = await newPage();
		await fake.faults({ method: "PATCH", path: `/v1/blocks/${page}/children`, status: 500 });
		const [a, b] = [await recorded(page, "Alpha"), await recorded(page, "Beta")];
		expect(await runEvent(bindings, a)).toBe("retry");
		expect(await getBlockClaim(db(), ROUTE, page)).toMatchObject({ eventId: a, blockId: null });
		expect(await runEvent(bindings, b)).toBe("done");
		expect(await runEvent(bindings, a)).toBe("done");
		const [only, ...more] = await callouts(page);
		expect(more).toEqual([]);
		expect(calloutText(only)).toMatch(/^Alpha\n/);
		expect((await fake.calls(page)).filter(isAppend(page)).map((c) => c.status)).toEqual([500, 200]);
		expect(await getBlockClaim(db(), ROUTE, page)).toBeNull();
	});
});

describe("a claim held by another event", () => {
	const holder = async (page: string, expiresAt: number) => {
		const content = summaryCallout(automationPayload.parse(body(page, "Holder")));
		await claimBlock(db(), {
			route: ROUTE,
			parentId: page,
			claimId: uuid(),
			eventId: `${ROUTE}:${uuid()}`,
			contentHash: "0".repeat(64),
			expiresAt,
		});
		return content;
	};

	it("still appending after the wait: this run is left to a later try, and nothing reaches Notion", async () => {
		const page = await newPage();
		const desired = await holder(page, Date.now() + 60_000);
		const ctx = { ...(await runContext(bindings, { eventId: uuid() })), claimWaitMs: 300 };
		await expect(keepBlock(ctx, ROUTE, page, desired)).rejects.toBeInstanceOf(RetryLater);
		expect(await fake.calls(page)).toEqual([]);
	});

	it("expired, with nothing of it on the page: taken over and appended once", async () => {
		const page = await newPage();
		const desired = await holder(page, Date.now() - 1);
		const ctx = await runContext(bindings, { eventId: uuid() });
		expect(await keepBlock(ctx, ROUTE, page, desired)).toBe("created");
		expect(describeCalls(await fake.calls(page))).toEqual([
			`GET /v1/blocks/${page}/children`,
			`PATCH /v1/blocks/${page}/children`,
		]);
		expect(await callouts(page)).toHaveLength(1);
		expect(await getBlockClaim(db(), ROUTE, page)).toBeNull();
	});
});
