/** Helpers for the notion Worker's tests (they run inside workerd). */

import { env, exports } from "cloudflare:workers";
import { signWebhookPayload } from "@notionhq/client";
import { inject } from "vitest";
import { createDb } from "../../src/db/client";
import { getEvent, type NotionEvent } from "../../src/db/notion";
import type { RecordedCall } from "../fakes/notion.ts";
import type { SiteName } from "../fakes/sites.ts";

export const WEBHOOK_SECRET = "test-webhook-secret";
export const VERIFICATION_TOKEN = "secret_test_verification_token";
export const OPERATOR_TOKEN = "test-operator-token";
export const BASE = "https://kiln.test";

export const db = () => createDb(env.DB);
export const uuid = () => crypto.randomUUID();
export const sites = (): Record<SiteName, string> => JSON.parse(env.TEST_SITES);
const fakeUrl = () => inject("notionFakeUrl");

/** The fake Notion API's control endpoints. */
export const fake = {
	async seed(data: { pages?: unknown[]; blocks?: unknown[]; dataSources?: unknown[]; databases?: unknown[] }) {
		const res = await fetch(`${fakeUrl()}/__fake/seed`, { method: "POST", body: JSON.stringify(data) });
		if (!res.ok) throw new Error(`seed failed: ${res.status}`);
	},
	async faults(...faults: Record<string, unknown>[]) {
		await fetch(`${fakeUrl()}/__fake/faults`, { method: "POST", body: JSON.stringify({ faults }) });
	},
	/** Calls that mention any of these ids (in the path or the body). */
	async calls(...ids: string[]): Promise<RecordedCall[]> {
		const res = await fetch(`${fakeUrl()}/__fake/calls?ids=${ids.join(",")}`);
		return ((await res.json()) as { calls: RecordedCall[] }).calls;
	},
	/** What the fake holds for an id: the page, the block, and the block's (or page's) children. */
	async state(id: string): Promise<{ page: FakePage; block: FakeBlock | null; children: FakeBlock[] }> {
		return (await fetch(`${fakeUrl()}/__fake/state/${id}`)).json();
	},
	/** Moves a block or page to the trash (`in_trash` and `archived`), or with `archivedOnly` sets only `archived`. */
	async trash(id: string, archivedOnly = false) {
		await fetch(`${fakeUrl()}/__fake/trash/${id}${archivedOnly ? "?flag=archived" : ""}`, { method: "POST" });
	},
	/** Takes a page or block out of the trash, as Notion's "Restore" does. */
	async restore(id: string) {
		await fetch(`${fakeUrl()}/__fake/restore/${id}`, { method: "POST" });
	},
	async remove(id: string) {
		await fetch(`${fakeUrl()}/__fake/delete/${id}`, { method: "POST" });
	},
};

/** Rich text as the fake answers it. */
export interface FakeRichText {
	type: string;
	plain_text: string;
	annotations: Record<string, unknown>;
	mention?: { type: string; page?: { id: string } };
}
export interface FakeBlock {
	id: string;
	type: string;
	in_trash: boolean;
	archived: boolean;
	callout?: { rich_text: FakeRichText[]; icon?: unknown };
}
export interface FakePage {
	id: string;
	icon: { type: string; external: { url: string } } | null;
	properties: Record<string, { type: string; rich_text?: FakeRichText[]; title?: FakeRichText[] }>;
}

/** The text a callout shows. */
export const calloutText = (b: FakeBlock | undefined) =>
	(b?.callout?.rich_text ?? []).map((t) => t.plain_text).join("");

/** An event as the event log lists it. */
export interface LoggedEvent {
	id: string;
	source: string;
	route: string;
	type: string | null;
	status: string;
	attempts: number;
	lastError: string | null;
	createdAt: string;
	updatedAt: string;
	payload?: { data: { id: string } };
}

/** "GET /v1/pages/<id>" style summaries of calls, in order. */
export const describeCalls = (calls: RecordedCall[]) => calls.map((c) => `${c.method} ${c.path}`);
export const writes = (calls: RecordedCall[]) => calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/query"));

export async function post(
	path: string,
	body: unknown,
	init: { secret?: string | null; headers?: Record<string, string> } = {},
) {
	const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
	const secret = init.secret === undefined ? WEBHOOK_SECRET : init.secret;
	if (secret !== null) headers.authorization = `Bearer ${secret}`;
	return exports.default.fetch(`${BASE}${path}`, {
		method: "POST",
		headers,
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

/** A GET as the operator (the event log), or with another bearer token, or none. */
export async function get(path: string, secret: string | null = OPERATOR_TOKEN) {
	return exports.default.fetch(`${BASE}${path}`, secret ? { headers: { authorization: `Bearer ${secret}` } } : {});
}

/** Posts an integration event signed as Notion would sign it. */
export async function postSigned(event: unknown, token = VERIFICATION_TOKEN) {
	const body = JSON.stringify(event);
	const signature = await signWebhookPayload({ body, verificationToken: token });
	return post("/webhooks", body, { secret: null, headers: { "x-notion-signature": signature } });
}

const FINAL = ["done", "failed", "ignored"];

/** Waits until the event has finished a run (the queue consumer works after the response). */
export async function settled(id: string, timeoutMs = 20_000, minAttempts = 1): Promise<NotionEvent> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const e = await getEvent(db(), id);
		if (e && FINAL.includes(e.status) && e.attempts >= minAttempts) return e;
		if (Date.now() > deadline) throw new Error(`event ${id} not settled: ${JSON.stringify(e)}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Rows in notion_events (to prove bad input recorded nothing). */
export async function eventCount(): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM notion_events").first<{ n: number }>();
	return row?.n ?? 0;
}

/** A realistic "Send webhook" body for a page: Notion sends the page under data. */
export function automationBody(page: { id: string; parent?: unknown; properties?: unknown }, eventId = uuid()) {
	return {
		source: { type: "automation", automation_id: uuid(), action_id: uuid(), event_id: eventId, attempt: 1 },
		data: {
			object: "page",
			id: page.id,
			created_time: "2026-11-20T10:00:00.000Z",
			last_edited_time: "2026-11-25T10:00:00.000Z",
			created_by: { object: "user", id: uuid() },
			last_edited_by: { object: "user", id: uuid() },
			parent: page.parent ?? { type: "page_id", page_id: uuid() },
			archived: false,
			in_trash: false,
			properties: page.properties ?? {},
			url: `https://www.notion.so/${page.id.replace(/-/g, "")}`,
			public_url: null,
			request_id: uuid(),
		},
	};
}

/** Property values in Notion's response shape. */
export const prop = {
	title: (text: string) => ({
		type: "title",
		title: text ? [{ type: "text", text: { content: text }, plain_text: text }] : [],
	}),
	text: (text: string) => ({
		type: "rich_text",
		rich_text: text ? [{ type: "text", text: { content: text }, plain_text: text }] : [],
	}),
	url: (url: string | null) => ({ type: "url", url }),
	select: (name: string) => ({ type: "select", select: { id: "s1", name, color: "blue" } }),
	people: (...names: string[]) => ({
		type: "people",
		people: names.map((name) => ({ object: "user", id: crypto.randomUUID(), name })),
	}),
	number: (n: number) => ({ type: "number", number: n }),
	checkbox: (b: boolean) => ({ type: "checkbox", checkbox: b }),
};

/** The fake's current page properties, as a new automation delivery would carry them. */
export async function currentPage(id: string) {
	return (await fake.state(id)).page;
}
