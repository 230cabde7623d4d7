// Point 2 of issue 5: the same event delivered twice is processed once; a
// replay through the event log runs it again on purpose. Also the event log.
import { describe, expect, it } from "vitest";
import { claimEvent, getEvent, recordEvent } from "../../src/db/notion";
import {
	automationBody,
	db,
	describeCalls,
	fake,
	get,
	type LoggedEvent,
	OPERATOR_TOKEN,
	post,
	postSigned,
	prop,
	settled,
	uuid,
	WEBHOOK_SECRET,
} from "./helpers";

describe("deduplication", () => {
	it("an automation delivery sent twice (Notion's retry) is recorded and run once", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Dup") } }] });
		const body = automationBody({ id: page, properties: { Name: prop.title("Dup"), Stage: prop.select("One") } });
		const [a, b] = await Promise.all([post("/example/callout", body), post("/example/callout", body)]);
		const statuses = [a.status, b.status].sort();
		expect(statuses).toEqual([200, 202]);
		const ids = await Promise.all([a.json<{ event: string }>(), b.json<{ event: string; duplicate?: boolean }>()]);
		expect(ids[0].event).toBe(ids[1].event);
		const e = await settled(ids[0].event);
		// A retry of the same delivery (Notion bumps source.attempt) is still the same event.
		const retry = { ...body, source: { ...body.source, attempt: 2 } };
		const again = await post("/example/callout", retry);
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ duplicate: true, status: "done" });
		await new Promise((r) => setTimeout(r, 1500)); // a queue batch window
		expect(e.attempts).toBe(1);
		expect(describeCalls(await fake.calls(page))).toEqual([`PATCH /v1/blocks/${page}/children`]);
	});

	it("an integration event delivered again (attempt_number 2) is not run again", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("x") } }] });
		const ev = { id: uuid(), type: "page.created", entity: { id: page, type: "page" }, attempt_number: 1, authors: [] };
		expect((await postSigned(ev)).status).toBe(202);
		await settled(ev.id);
		const res = await postSigned({ ...ev, attempt_number: 2 });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ event: ev.id, duplicate: true });
		await new Promise((r) => setTimeout(r, 1500));
		expect(await fake.calls(page)).toHaveLength(1);
	});
});

describe("the shared secret", () => {
	it("is also accepted alone in X-Webhook-Secret, for a sender that sets no Authorization header", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Header") } }] });
		const res = await post(
			"/example/callout",
			automationBody({ id: page, properties: { Name: prop.title("Header") } }),
			{
				secret: null,
				headers: { "x-webhook-secret": WEBHOOK_SECRET },
			},
		);
		expect(res.status).toBe(202);
		const { event } = await res.json<{ event: string }>();
		expect((await settled(event)).status).toBe("done");
		expect(describeCalls(await fake.calls(page))).toEqual([`PATCH /v1/blocks/${page}/children`]);
	});
});

describe("the event log", () => {
	it("lists recent events with status, attempts and last error, shows one, and replays it", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Replay me") } }] });
		const res = await post(
			"/example/callout",
			automationBody({ id: page, properties: { Name: prop.title("Replay me") } }),
		);
		const { event } = await res.json<{ event: string }>();
		await settled(event);

		const list = await (await get("/events?limit=10")).json<{ events: LoggedEvent[] }>();
		const row = list.events.find((e) => e.id === event);
		expect(row).toMatchObject({
			source: "automation",
			route: "/example/callout",
			status: "done",
			attempts: 1,
			lastError: null,
		});
		expect(Date.parse(String(row?.createdAt))).toBeGreaterThan(0);
		const one = await (await get(`/events/${encodeURIComponent(event)}`)).json<{ event: LoggedEvent }>();
		expect(one.event.payload?.data.id).toBe(page);

		// The callout is gone in Notion; a replay runs the event again and re-creates it.
		const first = (await fake.state(page)).children[0];
		await fake.trash(first.id);
		const replay = await post(`/events/${encodeURIComponent(event)}/replay`, {}, { secret: OPERATOR_TOKEN });
		expect(replay.status).toBe(202);
		const again = await settled(event, 20_000, 2);
		expect(again).toMatchObject({ status: "done", attempts: 2 });
		expect(describeCalls(await fake.calls(page, first.id))).toEqual([
			`PATCH /v1/blocks/${page}/children`,
			`GET /v1/blocks/${first.id}`,
			`PATCH /v1/blocks/${page}/children`,
		]);
	});

	it("refuses to replay an event that is running now (409), and leaves it as it is", async () => {
		const page = uuid();
		const id = `/example/callout:${uuid()}`;
		await recordEvent(db(), {
			id,
			source: "automation",
			route: "/example/callout",
			payload: JSON.stringify(automationBody({ id: page })),
		});
		await claimEvent(db(), id);
		const res = await post(`/events/${encodeURIComponent(id)}/replay`, {}, { secret: OPERATOR_TOKEN });
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ error: { code: "event_running" } });
		expect(await getEvent(db(), id)).toMatchObject({ status: "running", attempts: 1 });
	});

	it("filters by status", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("no JSON property") } }] });
		const res = await post("/property/injections", automationBody({ id: page, properties: { Name: prop.title("x") } }));
		const { event } = await res.json<{ event: string }>();
		await settled(event);
		const failed = await (await get("/events?status=failed")).json<{ events: LoggedEvent[] }>();
		expect(failed.events.map((e) => e.id)).toContain(event);
		expect(failed.events.every((e) => e.status === "failed")).toBe(true);
		expect(failed.events.find((e) => e.id === event)?.lastError).toMatch(/no property "JSON"/);
	});
});
