/**
 * The Notion console (/console/notion) in Chromium, against the real
 * `npm run dev` and the fake Notion API (reached through NOTION_API_BASE_URL,
 * as a user would point it): sign in with the operator token; Setup (the URL
 * and header to paste, copied; NOTION_TOKEN checked; the subscription's
 * pending token shown and discarded; a dry run that sends no write); Runs (a
 * delivery appearing live, failing, its requests and error in words, replayed
 * to done; filters; counts); Budget (a Retry-After pause in force).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_TOKEN, type FakeNotion, startFakeNotion } from "../fakes/notion.ts";
import { poll, screenshot } from "./browser.ts";
import type { DevServer } from "./dev-server.ts";
import { type Stack, startStack } from "./stack.ts";

const OPERATOR = "e2e-operator-token";
const SECRET = "e2e-webhook-secret";

let notion: FakeNotion;
let stack: Stack;
let dev: DevServer;
let page: Page;
let errors: string[];

beforeAll(async () => {
	notion = await startFakeNotion();
	stack = await startStack({
		clipboard: true,
		settings: {
			NOTION_TOKEN: FAKE_TOKEN,
			NOTION_API_BASE_URL: notion.url,
			NOTION_WEBHOOK_SECRET: SECRET,
			KILN_OPERATOR_TOKEN: OPERATOR,
			// Unset: the subscription is not verified yet, so a handshake is kept as pending.
			NOTION_VERIFICATION_TOKEN: "",
		},
	});
	({ dev, page, errors } = stack);
});
afterAll(async () => {
	await stack?.close();
	await notion?.close();
});

const uuid = () => crypto.randomUUID();
const title = (t: string) => ({ type: "title", title: [{ type: "text", text: { content: t }, plain_text: t }] });
const text = (t: string) => ({ type: "rich_text", rich_text: t ? [{ type: "text", text: { content: t } }] : [] });

async function fakeControl(path: string, body: unknown) {
	const res = await fetch(`${notion.url}/__fake/${path}`, { method: "POST", body: JSON.stringify(body) });
	expect(res.ok).toBe(true);
}

/** What Notion's automation sends for a page. */
function delivery(pageId: string, properties: Record<string, unknown>) {
	return {
		source: { type: "automation", automation_id: uuid(), action_id: uuid(), event_id: uuid(), attempt: 1 },
		data: { object: "page", id: pageId, parent: { type: "page_id", page_id: uuid() }, properties },
	};
}

const writesTo = (id: string) =>
	notion.calls.filter(
		(c) => c.method !== "GET" && !c.path.endsWith("/query") && c.path.replace(/-/g, "").includes(id.replace(/-/g, "")),
	);

const tab = (name: string) => page.getByRole("tab", { name });
const runsTable = () => page.getByRole("table", { name: "Runs", exact: true });
const routeCard = (path: string) => page.locator(`article[data-route="${path}"]`);

describe("the Notion console in Chromium", () => {
	it("asks for the operator token, refuses a wrong one, and keeps the right one for the tab's session", async () => {
		await page.goto(`${dev.url}/console/notion`);
		const field = page.getByLabel("Operator token");
		await field.fill("not-the-operator-token");
		await page.getByRole("button", { name: "Open the console" }).click();
		await poll(() => page.getByRole("alert").textContent()).toContain("Authorization: Bearer <KILN_OPERATOR_TOKEN>");
		await field.fill(OPERATOR);
		await page.getByRole("button", { name: "Open the console" }).click();
		await poll(() => tab("Setup").getAttribute("aria-selected")).toBe("true");
		// A reload keeps the session; nothing went to localStorage.
		await page.reload();
		await poll(() => tab("Runs").count()).toBe(1);
		expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("operator")))).toEqual([]);
	});

	it("Setup: the exact URL and header to paste, copied; NOTION_TOKEN works; a pending verification token, discarded", async () => {
		await poll(() => page.getByTestId("token-status").textContent()).toContain("works — the integration is “Kiln”");
		const card = routeCard("/property/injections");
		await card.getByRole("textbox", { name: /^json/ }).fill("Out");
		const url = `${dev.url}/notion/property/injections?json=Out`;
		await poll(() => card.locator("code.console-copyable").first().textContent()).toBe(url);
		await card.getByRole("button", { name: "Copy the URL of /property/injections" }).click();
		await poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(url);
		await page.getByRole("button", { name: "Copy the header value" }).click();
		await poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`Bearer ${SECRET}`);

		const subscription = page.getByTestId("subscription");
		await poll(() => subscription.textContent()).toContain("Not verified");
		// Notion's handshake arrives; the console shows the token until it is verified or discarded.
		const handshake = await fetch(`${dev.url}/notion/webhooks`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ verification_token: "secret_e2e_handshake_token" }),
		});
		expect(handshake.status).toBe(200);
		await page.reload();
		await poll(() => subscription.textContent()).toContain("secret_e2e_handshake_token");
		await screenshot(page, "console-setup");
		await subscription.getByRole("button", { name: "Discard" }).click();
		await poll(() => subscription.textContent()).toContain("Not verified");
	});

	it("Setup: a dry run reports the callout it would append, and no write reaches Notion", async () => {
		const id = uuid();
		await fakeControl("seed", { pages: [{ id, properties: { Name: title("Launch plan"), Stage: text("Beta") } }] });
		const card = routeCard("/example/callout");
		await card
			.getByRole("textbox", { name: /Test on a page/ })
			.fill(`https://www.notion.so/acme/Launch-plan-${id.replace(/-/g, "")}`);
		await card.getByRole("button", { name: "Dry run" }).click();
		const report = card.getByTestId("dry-run");
		await poll(() => report.textContent()).toContain("It would write:");
		expect(await report.textContent()).toContain(`PATCH /v1/blocks/${id}/children`);
		expect(await report.textContent()).toContain("Stage: Beta");
		expect(writesTo(id)).toEqual([]);
		expect((await (await fetch(`${notion.url}/__fake/state/${id}`)).json()).children).toEqual([]);
	});

	it("Runs: a failed delivery appears live, says why, and a Replay takes it to done", async () => {
		await tab("Runs").click();
		await poll(() => runsTable().count()).toBe(1);

		const id = uuid();
		const props = { Name: title("Widget"), JSON: text("") };
		await fakeControl("seed", { pages: [{ id, properties: props }] });
		// Notion refuses the write once (a permanent error: no queue retry).
		await fakeControl("faults", {
			faults: [{ method: "PATCH", path: `/v1/pages/${id}`, status: 400, code: "validation_error" }],
		});
		const res = await fetch(`${dev.url}/notion/property/injections`, {
			method: "POST",
			headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
			body: JSON.stringify(delivery(id, props)),
		});
		expect(res.status).toBe(202);
		const { event } = (await res.json()) as { event: string };

		// No reload: the live table shows it, failed.
		const row = page.locator(`tr[data-event="${event}"]`);
		await poll(() => row.locator(".console-status").textContent()).toBe("failed");
		await row.getByRole("button").click();
		const detail = page.getByTestId("run-detail");
		await poll(() => detail.getByTestId("error-in-words").textContent()).toContain("Notion refused what was sent");
		await poll(() => detail.getByRole("table", { name: "Notion requests" }).textContent()).toContain(
			`PATCH /v1/pages/${id}`,
		);
		expect(await detail.getByRole("table", { name: "Notion requests" }).textContent()).toContain("400 refused");
		expect(await detail.locator(".console-payload").textContent()).toContain('"Widget"');
		const counts = page.locator('tr[data-route="/property/injections"]');
		await poll(() => counts.locator("td").first().textContent()).toBe("1");
		await screenshot(page, "console-run-failed");

		await detail.getByRole("button", { name: "Replay" }).click();
		await poll(() => row.locator(".console-status").textContent()).toBe("done");
		await poll(() => detail.getByRole("table", { name: "Notion requests" }).textContent()).toContain("200 OK");
		expect(await row.locator("td").nth(3).textContent()).toBe("2");
		// The counts follow: one done, no longer failed (columns: total, pending, running, done, failed).
		await poll(() => counts.locator("td").nth(3).textContent()).toBe("1");
		expect(await counts.locator("td").nth(4).textContent()).toBe("");
		expect(writesTo(id).map((c) => c.status)).toEqual([400, 200]);
		expect(
			(await (await fetch(`${notion.url}/__fake/state/${id}`)).json()).page.properties.JSON.rich_text[0].plain_text,
		).toBe('{"Name":"Widget"}');
		await screenshot(page, "console-run-replayed");
	});

	it("Runs: filters by route and status", async () => {
		const status = page.getByLabel("Status", { exact: true });
		await status.selectOption("failed");
		await poll(() => runsTable().textContent()).toContain("No runs match these filters");
		await status.selectOption("done");
		await poll(() => page.locator("tr[data-event]").count()).toBeGreaterThan(0);
		await page.getByLabel("Route", { exact: true }).selectOption("/example/callout");
		await poll(() => runsTable().textContent()).toContain("No runs match these filters");
		await page.getByLabel("Route", { exact: true }).selectOption("/property/injections");
		await poll(() => page.locator("tr[data-event]").count()).toBe(1);
	});

	it("Budget: the limiter's use against 3 a second, and a Retry-After pause in force", async () => {
		await tab("Budget").click();
		const budget = page.getByTestId("budget");
		await poll(() => budget.getByTestId("budget-used").textContent()).toMatch(/^\d of 3$/);
		expect(await budget.getByTestId("budget-pause").textContent()).toContain("No Retry-After pause");
		// A read that Notion rate-limits with Retry-After: 20 pauses every sender.
		const id = uuid();
		await fakeControl("seed", { pages: [{ id, properties: { Name: title("Busy") } }] });
		await fakeControl("faults", { faults: [{ path: `/v1/pages/${id}`, status: 429, retryAfter: "20" }] });
		await fetch(`${dev.url}/notion/example/database/page`, {
			method: "POST",
			headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
			body: JSON.stringify(delivery(id, {})),
		});
		await poll(() => budget.getByTestId("budget-pause").textContent()).toContain("Paused by Notion's Retry-After");
		await screenshot(page, "console-budget");
		expect(errors).toEqual([]);
	});
});
