/**
 * The owner's Secrets and Logs tabs in Chromium under `npm run dev` (issue 15):
 * the app's server (written by the fake model) greets with a secret; the
 * owner sets it in the Secrets form (a bad name is refused in the form, with
 * nothing saved), the preview shows it once reloaded, and the value is never
 * on the SPA's page; the Logs tab lists the server's requests with what it
 * printed (the secret hidden), and shows a new request without a click while
 * it is open; the dev server's output never holds the value. A visitor without
 * the edit token sees neither tab. And a disabled app, as its owner and its
 * visitors see it. Last, the operator changes KILN_SECRETS_KEY (the dev server
 * restarted on the same state): the tab marks the secret, which no longer
 * opens, until the owner sets it again.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario } from "../fakes/openai.ts";
import { openPage, poll, screenshot } from "./browser.ts";
import { startDev } from "./dev-server.ts";
import { generateOver } from "./generate.ts";
import { type Stack, startStack } from "./stack.ts";

const KEY = Buffer.from("e2e key for sealing the secrets!").toString("base64");
const OTHER_KEY = Buffer.from("the operator's next key, 32 B..!").toString("base64");
const OPERATOR = "e2e-operator-token-0123456789";
const VALUE = "hello-from-a-secret-31";

const SERVER = `import { Hono } from "hono";
const app = new Hono();
app.get("/api/greet", (c) => {
	console.log("greeting with", c.env.GREETING ?? "nothing");
	if (!c.env.GREETING) return c.json({ error: { code: "missing_secret", message: "Set GREETING" } }, 500);
	return c.json({ greeting: c.env.GREETING });
});
export default app;`;

const PAGE = `<!DOCTYPE html>
<html><head><title>Greeter</title></head><body>
<p id="greeting">…</p>
<script>
fetch("api/greet").then((r) => r.json()).then((j) => {
	document.getElementById("greeting").textContent = j.greeting ?? j.error.code;
});
</script>
</body></html>`;

let stack: Stack;
let page: Page;
let project: string;
let editToken: string;

beforeAll(async () => {
	stack = await startStack({ settings: { KILN_SECRETS_KEY: KEY, KILN_OPERATOR_TOKEN: OPERATOR } });
	page = stack.page;
	const answer = `- a greeter\n\n\`\`\`html index.html\n${PAGE}\n\`\`\`\n\n\`\`\`js server.js\n${SERVER}\n\`\`\`\n`;
	const s = await createScenario(stack.fake.url, { replies: [{ text: answer }] });
	const made = await generateOver(stack.dev.url, { prompt: `a greeter ${s.marker}` });
	expect(made.last?.event).toBe("done");
	project = made.start.project;
	editToken = made.start.editToken as string;
	await page.goto(stack.dev.url);
	await page.evaluate(([p, t]) => localStorage.setItem(`kiln:edit-token:${p}`, t as string), [project, editToken]);
});

afterAll(async () => {
	await stack?.close();
});

const preview = () => page.frameLocator('iframe[title^="Preview of"]');

describe("the Secrets tab", () => {
	it("sets a secret the server reads, refuses a bad name, never shows the value, and deletes it", async () => {
		await page.goto(`${stack.dev.url}/projects/${project}`);
		await poll(() => preview().locator("#greeting").textContent()).toBe("missing_secret");
		await page.getByRole("tab", { name: "Secrets" }).click();
		const panel = page.getByRole("region", { name: "Secrets" });
		await poll(() => panel.textContent()).toContain("No secrets yet.");

		// A name of Kiln's own: refused in the form, nothing saved.
		await panel.getByLabel("Name").fill("kiln_token");
		await panel.getByLabel("Value").fill("x");
		await panel.getByRole("button", { name: "Save" }).click();
		await poll(() => panel.getByRole("alert").textContent()).toContain("Kiln's own");
		const none = await fetch(`${stack.dev.url}/api/projects/${project}/secrets`, {
			headers: { authorization: `Bearer ${editToken}` },
		});
		expect(((await none.json()) as { secrets: unknown[] }).secrets).toEqual([]);

		await panel.getByLabel("Name").fill("greeting");
		expect(await panel.getByLabel("Name").inputValue()).toBe("GREETING");
		await panel.getByLabel("Value").fill(VALUE);
		await panel.getByRole("button", { name: "Save" }).click();
		await poll(() => panel.locator('[data-secret="GREETING"]').count()).toBe(1);
		expect(await panel.getByLabel("Value").inputValue()).toBe("");
		expect(await panel.getByRole("alert").count()).toBe(0);

		// The server reads it from its next request: the preview, reloaded, greets with it.
		await page.getByRole("button", { name: "Reload preview" }).click();
		await poll(() => preview().locator("#greeting").textContent()).toBe(VALUE);
		// The SPA itself never shows it (the app's own page in the preview is the app's business).
		expect(await page.locator("body").textContent()).not.toContain(VALUE);
		await page.reload();
		await page.getByRole("tab", { name: "Secrets" }).click();
		await poll(() => page.locator('[data-secret="GREETING"]').count()).toBe(1);
		expect(await page.locator("body").textContent()).not.toContain(VALUE);
		await screenshot(page, "secrets-tab");

		await page.getByRole("button", { name: "Delete GREETING" }).click();
		await poll(() => page.getByRole("region", { name: "Secrets" }).textContent()).toContain("No secrets yet.");
		await page.getByRole("button", { name: "Reload preview" }).click();
		await poll(() => preview().locator("#greeting").textContent()).toBe("missing_secret");
		expect(stack.errors).toEqual([]);
	});
});

describe("the Logs tab", () => {
	it("lists the server's requests with their output, the secret hidden, and refreshes while open", async () => {
		const set = await fetch(`${stack.dev.url}/api/projects/${project}/secrets/GREETING`, {
			method: "PUT",
			headers: { "content-type": "application/json", authorization: `Bearer ${editToken}` },
			body: JSON.stringify({ value: VALUE }),
		});
		expect(set.status).toBe(200);
		await page.goto(`${stack.dev.url}/projects/${project}`);
		await poll(() => preview().locator("#greeting").textContent()).toBe(VALUE);
		await page.getByRole("tab", { name: "Logs" }).click();
		const panel = page.getByRole("region", { name: "Server log" });
		const entries = panel.locator(".log-entry");
		// The preview's request: GET /api/greet, 200, what it printed, the value hidden.
		await poll(() => panel.locator('.log-entry[data-status="200"] .log-line').first().textContent()).toBe(
			"greeting with [secret]\n",
		);
		const newest200 = panel.locator('.log-entry[data-status="200"]').first();
		expect(await newest200.locator(".log-method").textContent()).toBe("GET");
		expect(await newest200.locator(".log-path").textContent()).toBe("/api/greet");
		expect(await newest200.locator(".log-status").textContent()).toBe("200");
		expect(await newest200.locator(".log-meta").first().textContent()).toMatch(/^\d+(\.\d+)? m?s$/);
		expect(await page.locator("body").textContent()).not.toContain(VALUE);
		const before = await entries.count();

		// Another visitor uses the app: the open tab shows the request without a click.
		const visitor = await openPage(stack.chromium.browser);
		await visitor.page.goto(`http://${project}.localhost:${stack.dev.port}/`);
		await poll(() => visitor.page.locator("#greeting").textContent()).toBe(VALUE);
		await poll(() => entries.count()).toBeGreaterThan(before);
		await poll(() => entries.first().locator(".log-line").first().textContent()).toBe("greeting with [secret]\n");
		await visitor.page.context().close();
		expect(await page.locator("body").textContent()).not.toContain(VALUE);
		await screenshot(page, "logs-tab");
		expect(stack.errors).toEqual([]);
		// Nor does the dev server's own output (Kiln's log lines, and the sandbox's console).
		expect(stack.dev.output()).toContain("greeting with");
		expect(stack.dev.output()).not.toContain(VALUE);
	});

	it("is the owner's: a visitor without the edit token sees neither tab", async () => {
		const visitor = await openPage(stack.chromium.browser);
		await visitor.page.goto(`${stack.dev.url}/projects/${project}`);
		await poll(() => visitor.page.getByRole("tab", { name: "Versions (1)" }).count()).toBe(1);
		expect(await visitor.page.getByRole("tab", { name: "Logs" }).count()).toBe(0);
		expect(await visitor.page.getByRole("tab", { name: "Secrets" }).count()).toBe(0);
		await visitor.page.context().close();
	});
});

describe("a disabled app", () => {
	it("opens on a page that says so, with the reason; its own origin answers 410; enabling brings it back", async () => {
		const admin = (what: string, body?: object) =>
			fetch(`${stack.dev.url}/api/admin/projects/${project}/${what}`, {
				method: "POST",
				headers: { "content-type": "application/json", authorization: `Bearer ${OPERATOR}` },
				body: body ? JSON.stringify(body) : undefined,
			});
		expect((await admin("disable", { reason: "reported as spam" })).status).toBe(200);
		await page.goto(`${stack.dev.url}/projects/${project}`);
		await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("This app is disabled");
		expect(await page.locator("main").textContent()).toContain("Reason: reported as spam");
		await screenshot(page, "app-disabled");
		const app = await openPage(stack.chromium.browser);
		const gone = await app.page.goto(`http://${project}.localhost:${stack.dev.port}/`);
		expect(gone?.status()).toBe(410);
		expect(await app.page.locator("h1").textContent()).toBe("App disabled");

		expect((await admin("enable")).status).toBe(200);
		const back = await app.page.goto(`http://${project}.localhost:${stack.dev.port}/`);
		expect(back?.status()).toBe(200);
		await poll(() => app.page.locator("#greeting").textContent()).toBe(VALUE);
		await app.page.context().close();
		await page.reload();
		await poll(() => preview().locator("#greeting").textContent()).toBe(VALUE);
	});
});

describe("a secret sealed under another key", () => {
	it("is marked in the Secrets tab after KILN_SECRETS_KEY changes, until the owner sets it again", async () => {
		// The operator changes the key: the same state, restarted with another one.
		const { stateDir } = stack.dev;
		await stack.dev.stop();
		stack.dev = await startDev({
			stateDir,
			env: {
				LLM_BASE_URL: `${stack.fake.url}/v1`,
				LLM_MODEL: "fake-model",
				KILN_SECRETS_KEY: OTHER_KEY,
				KILN_OPERATOR_TOKEN: OPERATOR,
			},
		});
		// (Another port, so another origin: its localStorage needs the edit token again.)
		await page.goto(stack.dev.url);
		await page.evaluate(([p, t]) => localStorage.setItem(`kiln:edit-token:${p}`, t as string), [project, editToken]);
		await page.goto(`${stack.dev.url}/projects/${project}`);
		// The server runs without it...
		await poll(() => preview().locator("#greeting").textContent()).toBe("missing_secret");
		// ...and the tab says so, where it used to look set.
		await page.getByRole("tab", { name: "Secrets" }).click();
		const panel = page.getByRole("region", { name: "Secrets" });
		const greeting = panel.locator('[data-secret="GREETING"]');
		await poll(() => greeting.getAttribute("data-readable")).toBe("false");
		expect(await greeting.textContent()).toContain("set under another key — set it again");
		await screenshot(page, "secret-under-another-key");

		await panel.getByRole("button", { name: "Set GREETING again" }).click();
		expect(await panel.getByLabel("Name").inputValue()).toBe("GREETING");
		await panel.getByLabel("Value").fill(VALUE);
		await panel.getByRole("button", { name: "Save" }).click();
		await poll(() => greeting.getAttribute("data-readable")).toBe("true");
		expect(await greeting.textContent()).not.toContain("another key");
		await page.getByRole("button", { name: "Reload preview" }).click();
		await poll(() => preview().locator("#greeting").textContent()).toBe(VALUE);
		expect(await page.locator("body").textContent()).not.toContain(VALUE);
		expect(stack.errors).toEqual([]);
	});
});
