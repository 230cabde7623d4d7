// Point 3 of issue 5: bad input gets a 4xx JSON error, records nothing and
// makes no Notion call. Every request below names a page id of its own; the
// last test waits out a queue batch and checks the fake Notion API never heard
// of any of them.

import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { signWebhookPayload } from "@notionhq/client";
import { describe, expect, it, vi } from "vitest";
import { MAX_BODY_BYTES } from "../../src/shared/api";
import worker from "../../workers/notion/index";
import {
	automationBody,
	BASE,
	eventCount,
	fake,
	get,
	OPERATOR_TOKEN,
	post,
	uuid,
	VERIFICATION_TOKEN,
	WEBHOOK_SECRET,
} from "./helpers";

const ROUTES = [
	"/example/database/pages",
	"/example/database/page",
	"/example/child_pages",
	"/example/callout",
	"/example/guest/welcome",
	"/property/injections",
];
const seen: string[] = [];

/** A body to break on purpose. */
type Mutable = { data: Record<string, unknown> } & Record<string, unknown>;

/** A valid body for every route (a database parent, a titled page), with a fresh page id. */
function goodBody() {
	const id = uuid();
	seen.push(id);
	return automationBody({
		id,
		parent: { type: "data_source_id", data_source_id: uuid(), database_id: uuid() },
		properties: { Name: { type: "title", title: [{ type: "text", text: { content: "Guest" }, plain_text: "Guest" }] } },
	});
}

async function expectRejected(res: Response, status: number, code: string) {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toMatch(/application\/json/);
	const body = await res.json<{ error: { code: string; message: string } }>();
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(0);
	expect(await eventCount()).toBe(0);
}

describe.each(ROUTES)("POST %s", (route) => {
	it("without the secret → 401", async () => {
		await expectRejected(await post(route, goodBody(), { secret: null }), 401, "unauthorized");
	});
	it("with a wrong secret → 401", async () => {
		await expectRejected(await post(route, goodBody(), { secret: `${WEBHOOK_SECRET}x` }), 401, "unauthorized");
	});
	it("with a wrong secret in X-Webhook-Secret → 401", async () => {
		const res = await post(route, goodBody(), { secret: null, headers: { "x-webhook-secret": `${WEBHOOK_SECRET}x` } });
		await expectRejected(res, 401, "unauthorized");
	});
	it("with the secret in another scheme → 401", async () => {
		const res = await post(route, goodBody(), { secret: null, headers: { authorization: `Basic ${WEBHOOK_SECRET}` } });
		await expectRejected(res, 401, "unauthorized");
	});
	it("body not JSON → 400", async () => {
		await expectRejected(await post(route, '{"data": {"id": '), 400, "invalid_json");
	});
	it("body over 1 MiB → 413", async () => {
		const body = goodBody();
		const big = JSON.stringify({ ...body, padding: "x".repeat(MAX_BODY_BYTES) });
		await expectRejected(await post(route, big), 413, "body_too_large");
	});
	it("body over 1 MiB without a Content-Length (streamed) → 413", async () => {
		const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(c) {
				if (sent > MAX_BODY_BYTES + chunk.length) return c.close();
				sent += chunk.length;
				c.enqueue(chunk);
			},
		});
		const res = await exports.default.fetch(`${BASE}${route}`, {
			method: "POST",
			headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, "content-type": "application/json" },
			body: stream,
			duplex: "half",
		} as RequestInit);
		await expectRejected(res, 413, "body_too_large");
	});
	it("no data.id → 400", async () => {
		const body = goodBody() as Mutable;
		delete body.data.id;
		await expectRejected(await post(route, body), 400, "invalid_payload");
	});
	it("data.id of the wrong type → 400", async () => {
		const body = goodBody() as Mutable;
		body.data.id = 12345;
		await expectRejected(await post(route, body), 400, "invalid_payload");
	});
	it("data.id not a Notion id → 400", async () => {
		const body = goodBody() as Mutable;
		body.data.id = "../../v1/users";
		await expectRejected(await post(route, body), 400, "invalid_payload");
	});
	it("no data at all → 400", async () => {
		await expectRejected(await post(route, { source: { event_id: uuid() } }), 400, "invalid_payload");
	});
	it("properties of the wrong type → 400", async () => {
		const body = goodBody() as Mutable;
		body.data.properties = ["Name"];
		await expectRejected(await post(route, body), 400, "invalid_payload");
	});
	it("a JSON array → 400", async () => {
		await expectRejected(await post(route, [goodBody()]), 400, "invalid_payload");
	});
	it("an unknown option → 400", async () => {
		await expectRejected(await post(`${route}?colour=red`, goodBody()), 400, "invalid_option");
	});
});

describe("route-specific payload checks", () => {
	it("/example/database/pages without a database parent → 400", async () => {
		const body = goodBody() as Mutable;
		body.data.parent = { type: "page_id", page_id: uuid() };
		await expectRejected(await post("/example/database/pages", body), 400, "invalid_payload");
	});
	it("/example/guest/welcome naming no guest → 400", async () => {
		const body = goodBody() as Mutable;
		body.data.properties = {};
		await expectRejected(await post("/example/guest/welcome", body), 400, "invalid_payload");
	});
});

describe("unknown routes and methods", () => {
	it("an unknown path → 404", async () => {
		await expectRejected(await post("/example/nope", goodBody()), 404, "not_found");
	});
	it("GET on an automation route → 404", async () => {
		await expectRejected(await get("/example/callout"), 404, "not_found");
	});
});

describe("POST /webhooks", () => {
	function event() {
		const id = uuid();
		seen.push(id);
		return {
			id: uuid(),
			timestamp: new Date().toISOString(),
			workspace_id: uuid(),
			subscription_id: uuid(),
			integration_id: uuid(),
			type: "page.created",
			authors: [{ id: uuid(), type: "person" }],
			attempt_number: 1,
			api_version: "2025-09-03",
			entity: { id, type: "page" },
			data: { parent: { id: uuid(), type: "space" } },
		};
	}
	const send = (body: string, signature?: string) =>
		post("/webhooks", body, {
			secret: null,
			headers: signature === undefined ? {} : { "x-notion-signature": signature },
		});

	it("without a signature → 401", async () => {
		await expectRejected(await send(JSON.stringify(event())), 401, "bad_signature");
	});
	it("signed with another token → 401", async () => {
		const body = JSON.stringify(event());
		await expectRejected(
			await send(body, await signWebhookPayload({ body, verificationToken: "secret_other" })),
			401,
			"bad_signature",
		);
	});
	it("a malformed signature → 401", async () => {
		const body = JSON.stringify(event());
		for (const sig of ["sha256=", "sha256=zz", "md5=abcd", "deadbeef", ""]) {
			await expectRejected(await send(body, sig), 401, "bad_signature");
		}
	});
	it("a signature over other bytes (re-serialized JSON) → 401", async () => {
		const ev = event();
		const signature = await signWebhookPayload({ body: JSON.stringify(ev), verificationToken: VERIFICATION_TOKEN });
		await expectRejected(await send(JSON.stringify(ev, null, 2), signature), 401, "bad_signature");
	});
	it("signed but not JSON → 400", async () => {
		const body = "not json at all";
		await expectRejected(
			await send(body, await signWebhookPayload({ body, verificationToken: VERIFICATION_TOKEN })),
			400,
			"invalid_json",
		);
	});
	it("signed but of the wrong shape → 400", async () => {
		for (const bad of [
			{ ...event(), id: 7 },
			{ ...event(), entity: undefined },
			{ ...event(), type: "nonsense" },
			{ ...event(), entity: { id: "x", type: "page" } },
		]) {
			const body = JSON.stringify(bad);
			await expectRejected(
				await send(body, await signWebhookPayload({ body, verificationToken: VERIFICATION_TOKEN })),
				400,
				"invalid_payload",
			);
		}
	});
	it("over 1 MiB → 413", async () => {
		const body = JSON.stringify({ ...event(), padding: "x".repeat(MAX_BODY_BYTES) });
		await expectRejected(
			await send(body, await signWebhookPayload({ body, verificationToken: VERIFICATION_TOKEN })),
			413,
			"body_too_large",
		);
	});
	it("a handshake when a token is configured → 409, and the configured token stays", async () => {
		const handshake = JSON.stringify({ verification_token: "secret_attacker_token" });
		await expectRejected(await send(handshake), 409, "already_verified");
		// Even signed with the configured token (Notion's "Resend token"), it changes nothing.
		await expectRejected(
			await send(handshake, await signWebhookPayload({ body: handshake, verificationToken: VERIFICATION_TOKEN })),
			409,
			"already_verified",
		);
		// Signed with the handshake's token: still refused (webhooks.test.ts shows the configured one still works).
		const ev = JSON.stringify(event());
		await expectRejected(
			await send(ev, await signWebhookPayload({ body: ev, verificationToken: "secret_attacker_token" })),
			401,
			"bad_signature",
		);
	});
});

describe("the event log", () => {
	it("without the operator token → 401", async () => {
		await expectRejected(await get("/events", null), 401, "unauthorized");
		await expectRejected(await post(`/events/${uuid()}/replay`, {}, { secret: null }), 401, "unauthorized");
	});
	it("with the webhook secret, which every automation holds → 401", async () => {
		await expectRejected(await get("/events", WEBHOOK_SECRET), 401, "unauthorized");
		await expectRejected(await get(`/events/${uuid()}`, WEBHOOK_SECRET), 401, "unauthorized");
		await expectRejected(await post(`/events/${uuid()}/replay`, {}), 401, "unauthorized");
		const inHeader = await post(
			`/events/${uuid()}/replay`,
			{},
			{ secret: null, headers: { "x-webhook-secret": WEBHOOK_SECRET } },
		);
		await expectRejected(inHeader, 401, "unauthorized");
	});
	it("with the operator token anywhere but Authorization: Bearer → 401", async () => {
		const res = await post(
			`/events/${uuid()}/replay`,
			{},
			{ secret: null, headers: { "x-webhook-secret": OPERATOR_TOKEN } },
		);
		await expectRejected(res, 401, "unauthorized");
		await expectRejected(await get("/events", `${OPERATOR_TOKEN}x`), 401, "unauthorized");
	});
	it("with no operator token configured → 503, whatever is sent", async () => {
		const unconfigured = { ...env, KILN_OPERATOR_TOKEN: undefined } as unknown as NotionBindings;
		for (const auth of [OPERATOR_TOKEN, WEBHOOK_SECRET, ""]) {
			const res = await worker.fetch(
				new Request(`${BASE}/events`, { headers: { authorization: `Bearer ${auth}` } }),
				unconfigured,
				createExecutionContext(),
			);
			await expectRejected(res, 503, "not_configured");
		}
	});
	it("checks the operator token once per request", async () => {
		// sameSecret hashes both sides, here both the operator token: one check is two digests of exactly those bytes.
		const digest = vi.spyOn(crypto.subtle, "digest");
		const secret = new TextEncoder().encode(OPERATOR_TOKEN).join();
		const checks = () =>
			digest.mock.calls.filter(([, data]) => new Uint8Array(data as Uint8Array).join() === secret).length / 2;
		try {
			for (const path of ["/events", `/events/${uuid()}`]) {
				digest.mockClear();
				await get(path);
				expect(checks(), path).toBe(1);
			}
		} finally {
			digest.mockRestore();
		}
	});
	it("replaying an unknown event → 404", async () => {
		await expectRejected(
			await post(`/events/${uuid()}/replay`, {}, { secret: OPERATOR_TOKEN }),
			404,
			"event_not_found",
		);
	});
	it("a bad query → 400", async () => {
		await expectRejected(await get("/events?limit=0"), 400, "invalid_query");
		await expectRejected(await get("/events?status=exploded"), 400, "invalid_query");
		await expectRejected(await get("/events?order=asc"), 400, "invalid_query");
	});
});

it("none of the requests above reached Notion", async () => {
	await new Promise((r) => setTimeout(r, 2500)); // longer than a queue batch window
	expect(seen.length).toBeGreaterThan(60);
	expect(await fake.calls(...seen)).toEqual([]);
	expect(await eventCount()).toBe(0);
});
