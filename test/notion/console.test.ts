// The Notion console's operator routes (routes/console.ts, routes/events.ts):
// setup, the token check, the budget, counts per route, test deliveries and
// dry runs, the live log's cursor, and each run's Notion requests. Bad input:
// the status, the JSON error, and nothing written (no event, no Notion write).
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { finishEvent, getBlockState, listRequests, recordEvent } from "../../src/db/notion";
import type {
	BudgetJson,
	ConsoleSetupJson,
	DryRunJson,
	EventDetailJson,
	EventListJson,
	StatsJson,
	TestQueuedJson,
	TokenCheckJson,
} from "../../src/shared/notion-console";
import { limiterOf } from "../../workers/notion/api/limiter";
import worker from "../../workers/notion/index";
import { sweep } from "../../workers/notion/sweep";
import {
	automationBody,
	BASE,
	calloutText,
	db,
	describeCalls,
	eventCount,
	fake,
	get,
	OPERATOR_TOKEN,
	post,
	prop,
	settled,
	uuid,
	WEBHOOK_SECRET,
	writes,
} from "./helpers";

const bindings: NotionBindings = env;
const asOperator = { secret: OPERATOR_TOKEN };

/** A request to the Worker with other settings (an unset token, a wrong one). */
function withSettings(path: string, changed: Partial<NotionBindings>, init: RequestInit = {}) {
	const headers = { authorization: `Bearer ${OPERATOR_TOKEN}`, "content-type": "application/json" };
	return worker.fetch(
		new Request(`${BASE}${path}`, { headers, ...init }),
		{ ...bindings, ...changed } as NotionBindings,
		createExecutionContext(),
	);
}

async function newPage(properties: Record<string, unknown> = { Name: prop.title("Launch") }) {
	const id = uuid();
	await fake.seed({ pages: [{ id, properties }] });
	return id;
}

async function expectError(res: Response, status: number, code: string) {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toMatch(/application\/json/);
	const body = await res.json<{ error: { code: string; message: string } }>();
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(0);
	return body.error.message;
}

describe("setup", () => {
	it("lists every automation route with its options and the exact header to paste; never cached", async () => {
		const res = await get("/console/setup");
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		const body = await res.json<ConsoleSetupJson>();
		expect(body.routes.map((r) => r.path)).toEqual([
			"/example/database/pages",
			"/example/database/page",
			"/example/child_pages",
			"/example/callout",
			"/example/guest/welcome",
			"/property/injections",
		]);
		expect(body.routes.find((r) => r.path === "/property/injections")?.options.map((o) => o.name)).toEqual([
			"json",
			"summary",
		]);
		expect(body.webhook).toEqual({ header: "Authorization", value: `Bearer ${WEBHOOK_SECRET}` });
		expect(body.settings).toEqual({ NOTION_TOKEN: true, NOTION_WEBHOOK_SECRET: true, NOTION_VERIFICATION_TOKEN: true });
	});

	it("says when no webhook secret is set, rather than showing a header that cannot work", async () => {
		const body = await (
			await withSettings("/console/setup", { NOTION_WEBHOOK_SECRET: undefined })
		).json<ConsoleSetupJson>();
		expect(body.webhook).toBeNull();
		expect(body.settings.NOTION_WEBHOOK_SECRET).toBe(false);
	});

	it("checks NOTION_TOKEN with users/me: the bot when it works, Notion's refusal (redacted) when not", async () => {
		const ok = await (await get("/console/token")).json<TokenCheckJson>();
		expect(ok).toMatchObject({ ok: true, bot: { name: "Kiln" } });
		const wrong = "ntn_not_the_integration_token_0123456789";
		const res = await withSettings("/console/token", { NOTION_TOKEN: wrong });
		const text = await res.text();
		expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
		expect(text).not.toContain(wrong);
		const unset = await (await withSettings("/console/token", { NOTION_TOKEN: undefined })).json<TokenCheckJson>();
		expect(unset).toMatchObject({ ok: false, error: { code: "not_configured" } });
	});
});

describe("budget", () => {
	it("shows the limiter's use against 3 a second, and a Retry-After pause in force", async () => {
		const before = await (await get("/console/budget")).json<BudgetJson>();
		expect(before.budget).toMatchObject({ limit: 3, windowMs: 1000 });
		await (await limiterOf(bindings.NOTION_RATE_LIMITER, bindings.NOTION_TOKEN as string)).pause(1500);
		const paused = (await (await get("/console/budget")).json<BudgetJson>()).budget;
		expect(paused.pausedForMs).toBeGreaterThan(0);
		expect(Date.parse(paused.pausedUntil as string)).toBeGreaterThan(Date.now());
	});
});

describe("runs", () => {
	it("the live log: the cursor gives what changed since, new events and new statuses alike", async () => {
		const first = await (await get("/events?limit=5")).json<EventListJson>();
		const a = { id: uuid(), source: "integration" as const, route: "/webhooks", payload: "{}" };
		const b = {
			id: `/example/callout?x=1:${uuid()}`,
			source: "automation" as const,
			route: "/example/callout?x=1",
			payload: "{}",
		};
		await recordEvent(db(), a);
		const next = await (await get(`/events?since=${first.cursor}`)).json<EventListJson>();
		expect(next.events.map((e) => e.id)).toEqual([a.id]);
		expect(next.more).toBe(false);
		await recordEvent(db(), b);
		await finishEvent(db(), a.id, "done");
		const later = await (await get(`/events?since=${next.cursor}`)).json<EventListJson>();
		expect(later.events.map((e) => [e.id, e.status])).toEqual(
			expect.arrayContaining([
				[a.id, "done"],
				[b.id, "pending"],
			]),
		);
		// path= matches the route whatever its options; route= only exactly.
		const byPath = await (await get("/events?path=/example/callout")).json<EventListJson>();
		expect(byPath.events.map((e) => e.id)).toContain(b.id);
		const byRoute = await (await get("/events?route=/example/callout")).json<EventListJson>();
		expect(byRoute.events.map((e) => e.id)).not.toContain(b.id);
	});

	it("a run's detail: its payload and the Notion requests each attempt made, errors redacted", async () => {
		const page = await newPage();
		// A proxy that echoes the Authorization header back, once.
		await fake.faults({
			method: "PATCH",
			path: `/v1/blocks/${page}/children`,
			status: 400,
			code: "validation_error",
			message: "bad header {authorization}",
		});
		const res = await post(
			"/example/callout",
			automationBody({ id: page, properties: { Name: prop.title("Launch") } }),
		);
		const { event: id } = await res.json<{ event: string }>();
		expect((await settled(id)).status).toBe("failed");
		await post(`/events/${encodeURIComponent(id)}/replay`, {}, asOperator);
		expect((await settled(id, 20_000, 2)).status).toBe("done");

		const detail = (await (await get(`/events/${encodeURIComponent(id)}`)).json<EventDetailJson>()).event;
		expect(detail.payload).toMatchObject({ data: { id: page } });
		expect(detail.requests.map((r) => [r.attempt, r.method, r.path, r.status])).toEqual([
			[1, "PATCH", `/v1/blocks/${page}/children`, 400],
			[2, "PATCH", `/v1/blocks/${page}/children`, 200],
		]);
		expect(detail.requests[0].error).toMatch(/^validation_error: bad header Bearer \[redacted\]$/);
		expect(JSON.stringify(detail)).not.toContain(bindings.NOTION_TOKEN as string);
		expect(detail.requests[1].error).toBeNull();
	});

	it("counts events per route and status over the last 24 hours", async () => {
		const before = await (await get("/console/stats")).json<StatsJson>();
		const count = (s: StatsJson, route: string, status: "failed" | "done") =>
			s.routes.find((r) => r.route === route)?.byStatus[status] ?? 0;
		const ids = [uuid(), uuid(), uuid()];
		const route = "/example/database/page?property=Website";
		for (const id of ids) await recordEvent(db(), { id, source: "automation", route, payload: "{}" });
		await finishEvent(db(), ids[0], "failed", "x");
		await finishEvent(db(), ids[1], "done");
		const after = await (await get("/console/stats?hours=24")).json<StatsJson>();
		expect(count(after, "/example/database/page", "failed") - count(before, "/example/database/page", "failed")).toBe(
			1,
		);
		expect(count(after, "/example/database/page", "done") - count(before, "/example/database/page", "done")).toBe(1);
		const total = (s: StatsJson) => s.routes.find((r) => r.route === "/example/database/page")?.total ?? 0;
		expect(total(after) - total(before)).toBe(3);
		expect(after.routes.map((r) => r.route)).toContain("/webhooks");
	});

	it("requests go with their event: the retention sweep deletes both", async () => {
		const page = await newPage();
		const { event: id } = await (
			await post("/example/callout", automationBody({ id: page, properties: { Name: prop.title("Old") } }))
		).json<{ event: string }>();
		await settled(id);
		expect(await listRequests(db(), id)).toHaveLength(1);
		await env.DB.prepare("UPDATE notion_events SET updated_at = updated_at - ? WHERE id = ?")
			.bind(8 * 24 * 3600_000, id)
			.run();
		const report = await sweep(bindings);
		expect(report.expiredRequests).toBeGreaterThanOrEqual(1);
		expect(await listRequests(db(), id)).toEqual([]);
	});
});

describe("test deliveries", () => {
	const trial = (body: unknown) => post("/console/test", body, asOperator);

	it("a dry run reports what it would write and writes nothing, in Notion or in D1", async () => {
		const page = await newPage({ Name: prop.title("Launch"), Status: prop.select("Doing") });
		const events = await eventCount();
		const res = await trial({ route: "/example/callout", pageId: page, dryRun: true });
		expect(res.status).toBe(200);
		const report = await res.json<DryRunJson>();
		expect(report).toMatchObject({ dryRun: true, route: "/example/callout", result: { status: "done", note: null } });
		expect(report.writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /v1/blocks/${page}/children`]);
		expect(JSON.stringify(report.writes[0].body)).toContain("Status: Doing");
		expect(report.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /v1/pages/${page} 200`]);
		expect(describeCalls(await fake.calls(page))).toEqual([`GET /v1/pages/${page}`]);
		expect(await eventCount()).toBe(events);
		expect(await getBlockState(db(), "/example/callout", page)).toBeNull();
	});

	it("a dry run after a real one: the callout would be updated in place, and nothing is sent", async () => {
		const page = await newPage();
		const queued = await trial({ route: "/example/callout", pageId: page });
		expect(queued.status).toBe(202);
		const { event } = await queued.json<TestQueuedJson>();
		expect(event).toMatch(/^\/example\/callout:console-/);
		expect((await settled(event)).status).toBe("done");
		const [callout] = (await fake.state(page)).children;
		expect(calloutText(callout)).toMatch(/^Launch\n/);

		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Renamed") } }] });
		const report = await (await trial({ route: "/example/callout", pageId: page, dryRun: true })).json<DryRunJson>();
		expect(report.writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /v1/blocks/${callout.id}`]);
		expect(writes(await fake.calls(page, callout.id))).toHaveLength(1); // the real run's append, only
		expect(calloutText((await fake.state(page)).children[0])).toMatch(/^Launch\n/);
	});

	it("a dry run of property injections with options: the page write it would make", async () => {
		const page = await newPage({ Name: prop.title("Widget"), Out: prop.text(""), Line: prop.text("") });
		const report = await (
			await trial({
				route: "/property/injections",
				pageId: page,
				options: { json: "Out", summary: "Line" },
				dryRun: true,
			})
		).json<DryRunJson>();
		expect(report.route).toBe("/property/injections?json=Out&summary=Line");
		expect(report.writes).toEqual([
			{
				method: "PATCH",
				path: `/v1/pages/${page}`,
				body: {
					properties: {
						Out: { rich_text: [{ type: "text", text: { content: '{"Name":"Widget"}' } }] },
						Line: { rich_text: [{ type: "text", text: { content: "Name: Widget" } }] },
					},
				},
			},
		]);
		expect(writes(await fake.calls(page))).toEqual([]);
	});

	it("a dry run that fails says why, and still writes nothing", async () => {
		const page = await newPage({ Name: prop.title("No JSON property") });
		const report = await (
			await trial({ route: "/property/injections", pageId: page, dryRun: true })
		).json<DryRunJson>();
		expect(report.result).toEqual({ status: "failed", note: expect.stringMatching(/no property "JSON"/) });
		expect(report.writes).toEqual([]);
	});
});

describe("bad input to the console", () => {
	const paths = ["/console/setup", "/console/token", "/console/budget", "/console/stats"];

	it("without the operator token, or with the webhook secret → 401; unconfigured → 503", async () => {
		for (const path of paths) {
			await expectError(await get(path, null), 401, "unauthorized");
			await expectError(await get(path, WEBHOOK_SECRET), 401, "unauthorized");
			await expectError(await withSettings(path, { KILN_OPERATOR_TOKEN: undefined }), 503, "not_configured");
		}
		const page = await newPage();
		const events = await eventCount();
		await expectError(
			await post("/console/test", { route: "/example/callout", pageId: page }, { secret: WEBHOOK_SECRET }),
			401,
			"unauthorized",
		);
		expect(await eventCount()).toBe(events);
		expect(await fake.calls(page)).toEqual([]);
	});

	it("a bad stats or events query → 400", async () => {
		for (const q of ["hours=0", "hours=169", "hours=abc", "days=1"]) {
			await expectError(await get(`/console/stats?${q}`), 400, "invalid_query");
		}
		for (const q of ["since=-1", "since=abc"]) await expectError(await get(`/events?${q}`), 400, "invalid_query");
	});

	it("a bad test delivery → 4xx with its reason; no event recorded, nothing written in Notion", async () => {
		const page = await newPage();
		const nameless = await newPage({ Name: prop.title("") });
		const missing = uuid();
		const events = await eventCount();
		const cases: [unknown, number, string][] = [
			['{"route": ', 400, "invalid_json"],
			[{ pageId: page }, 400, "invalid_request"],
			[{ route: "/example/callout", pageId: "not-a-page" }, 400, "invalid_request"],
			[{ route: "/example/callout", pageId: page, dryRun: "yes" }, 400, "invalid_request"],
			[{ route: "/example/callout", pageId: page, extra: 1 }, 400, "invalid_request"],
			[{ route: "/webhooks", pageId: page }, 400, "unknown_route"],
			[{ route: "/example/callout", pageId: page, options: { property: "x" } }, 400, "invalid_option"],
			[{ route: "/example/callout", pageId: missing }, 404, "page_not_found"],
			[{ route: "/example/guest/welcome", pageId: nameless }, 400, "invalid_payload"],
		];
		for (const [body, status, code] of cases) {
			await expectError(await post("/console/test", body, asOperator), status, code);
		}
		await expectError(
			await withSettings(
				"/console/test",
				{ NOTION_TOKEN: undefined },
				{
					method: "POST",
					body: JSON.stringify({ route: "/example/callout", pageId: page }),
				},
			),
			503,
			"not_configured",
		);
		expect(await eventCount()).toBe(events);
		expect(writes(await fake.calls(page, nameless, missing))).toEqual([]);
	});
});
