/**
 * The main flow in a real browser (Debian's Chromium) against the real
 * `npm run dev`, with the fake OpenAI-compatible server as the model:
 * prompt → code streams in → preview → follow-up → v2 → back to v1 → the
 * pinned share link opens v1 → remix opens a new project. Writes screenshots
 * of each state to screenshots/.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario, type FakeOpenAI, release, waitForHeld } from "../fakes/openai.ts";
import { type KilnBrowser, openPage, poll, screenshot } from "./browser.ts";
import type { DevServer } from "./dev-server.ts";
import { type Stack, startStack } from "./stack.ts";

let fake: FakeOpenAI;
let dev: DevServer;
let chromium: KilnBrowser;
let page: Page;
let errors: string[];

let stack: Stack;
beforeAll(async () => {
	stack = await startStack({ settings: { LLM_API_KEY: "test-key" }, clipboard: true });
	({ fake, dev, chromium, page, errors } = stack);
});
afterAll(() => stack?.close());

const preview = () => page.frameLocator('iframe[title^="Preview of"]');
const code = () => page.getByRole("region", { name: /^Code:/ });

describe("the main flow in Chromium", () => {
	let project = "";
	const firstPrompt = "A tiny greeting card";

	it("shows the empty state with the prompt box focused and the model named", async () => {
		await page.goto(dev.url);
		const box = page.getByRole("textbox", { name: "Describe the app you want" });
		await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
		await poll(() => page.getByText("Writing with").textContent()).toContain("fake-model");
		expect(await page.getByRole("button", { name: "Generate" }).isDisabled()).toBe(true);
		await screenshot(page, "01-empty");
	});

	it("streams the code in as it is written, with live stats, then shows the preview", async () => {
		// The fake sends a few chunks, then holds the stream open until released.
		const s = await createScenario(fake.url, { replies: [{ chunkSize: 40, holdAfterChunks: 3 }] });
		const box = page.getByRole("textbox", { name: "Describe the app you want" });
		await box.fill(`${firstPrompt} ${s.marker}`);
		await box.press("Enter");

		await waitForHeld(fake.url, s.id);
		await page.waitForURL(/\/projects\/[a-z0-9]+$/);
		project = /\/projects\/([a-z0-9]+)/.exec(page.url())?.[1] ?? "";
		// Part of the document is on screen, highlighted; the rest has not been written.
		await poll(() => code().textContent()).toContain("<!DOCTYPE html>");
		expect(await code().textContent()).not.toContain("</html>");
		expect(await code().locator(".tk-tag").count()).toBeGreaterThan(0);
		expect(await page.getByRole("region", { name: "The model's plan" }).textContent()).toContain("One page");
		expect(await page.getByRole("button", { name: "Stop" }).isVisible()).toBe(true);
		const stats = page.getByRole("region", { name: /Generation stats/ });
		expect(await stats.getAttribute("aria-label")).toContain("Writing v1");
		await poll(() => stats.locator('[data-stat="Time to first token"] dd').textContent()).toMatch(/\d+ ms|\d\.\d+ s/);
		await screenshot(page, "02-streaming");

		await release(fake.url, s.id);
		await page.waitForURL(new RegExp(`/projects/${project}/v/1$`));
		await poll(() => preview().locator("h1").textContent()).toContain(firstPrompt);
		expect(await code().textContent()).toContain("</html>");
		// The server's figures, each under its own label.
		const tokens = await stats.locator('[data-stat="Tokens"] dd').textContent();
		expect(Number(tokens?.replace(/,/g, ""))).toBeGreaterThan(0);
		expect(await stats.locator('[data-stat="Tokens per second"] dd').textContent()).toMatch(/^[\d,]+$/);
		expect(await stats.locator('[data-stat="Seconds"] dd').textContent()).toMatch(/^\d+\.\d+$/);
		await screenshot(page, "03-preview");
	});

	it("copies the code with one click", async () => {
		await page.getByRole("button", { name: "Copy code" }).click();
		const copied = await page.evaluate(() => navigator.clipboard.readText());
		expect(copied).toMatch(/^<!DOCTYPE html>/);
		expect(copied).toContain(firstPrompt);
		expect(copied).not.toContain("```");
	});

	it("keeps the edit token across a reload, and shows others a remix button instead", async () => {
		await page.reload();
		await page.getByRole("textbox", { name: "Describe a change to v1" }).waitFor();
		const { page: stranger } = await openPage(chromium.browser);
		await stranger.goto(`${dev.url}/projects/${project}`);
		await stranger.getByRole("button", { name: "Remix to edit" }).waitFor();
		expect(await stranger.getByRole("textbox", { name: /Describe a change/ }).count()).toBe(0);
		await stranger.context().close();
	});

	it("edits the version on screen with a follow-up: version 2", async () => {
		const s = await createScenario(fake.url, { replies: [{ chunkSize: 40, holdAfterChunks: 4 }] });
		const box = page.getByRole("textbox", { name: "Describe a change to v1" });
		await box.fill(`Make it say goodbye ${s.marker}`);
		await box.press("Enter");
		// While v2 is written, v1 stays in the preview under a notice.
		await waitForHeld(fake.url, s.id);
		await poll(() => page.getByRole("status").filter({ hasText: "Writing v2…" }).count()).toBe(1);
		expect(await preview().locator("h1").textContent()).toContain(firstPrompt);
		await screenshot(page, "02b-streaming-follow-up");
		await release(fake.url, s.id);
		await page.waitForURL(new RegExp(`/projects/${project}/v/2$`));
		await poll(() => preview().locator("h1").textContent()).toContain("Make it say goodbye");
		expect(await page.getByText(`v2 of 2`).count()).toBe(1);
		// The prompt was used: the box is empty for the next one.
		expect(await page.getByRole("textbox", { name: "Describe a change to v2" }).inputValue()).toBe("");
	});

	it("lists the versions and switches back to version 1", async () => {
		await page.getByRole("tab", { name: /Versions/ }).click();
		const list = page.getByRole("navigation", { name: "Versions" });
		expect(await list.getByRole("listitem").count()).toBe(2);
		await screenshot(page, "04-history");
		await list.getByRole("link", { name: /^v1/ }).click();
		await page.waitForURL(new RegExp(`/projects/${project}/v/1$`));
		await poll(() => preview().locator("h1").textContent()).toContain(firstPrompt);
		expect(await list.getByRole("link", { name: /^v1/ }).getAttribute("aria-current")).toBe("page");
	});

	it("shows the changes between the two versions", async () => {
		await page.getByRole("tab", { name: "Changes" }).click();
		const diff = page.getByRole("region", { name: "Diff" });
		await poll(() => diff.locator("tr.diff-add").count()).toBeGreaterThan(0);
		expect(await diff.locator("tr.diff-del").allTextContents()).toEqual(
			expect.arrayContaining([expect.stringContaining(firstPrompt)]),
		);
		expect(await diff.locator("tr.diff-add").allTextContents()).toEqual(
			expect.arrayContaining([expect.stringContaining("Make it say goodbye")]),
		);
		await screenshot(page, "05-diff");
	});

	it("copies the pinned share link, which opens version 1", async () => {
		await page.getByRole("button", { name: "Share" }).click();
		const dialog = page.getByRole("dialog", { name: "Share this app" });
		await dialog.waitFor();
		await screenshot(page, "06-share");
		await dialog.getByRole("button", { name: "Copy link: Pinned: version 1" }).click();
		const pinned = await page.evaluate(() => navigator.clipboard.readText());
		expect(pinned).toBe(`${dev.url}/p/${project}/v/1`);
		await dialog.getByRole("button", { name: "Copy link: Latest version" }).click();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${dev.url}/p/${project}`);
		await page.keyboard.press("Escape");
		await dialog.waitFor({ state: "hidden" });

		const { page: visitor } = await openPage(chromium.browser);
		await visitor.goto(pinned);
		expect(await visitor.locator("h1").textContent()).toContain(firstPrompt);
		await visitor.goto(`${dev.url}/p/${project}`);
		expect(await visitor.locator("h1").textContent()).toContain("Make it say goodbye");
		await visitor.context().close();
	});

	it("branches from version 1: the new version's parent is v1", async () => {
		const box = page.getByRole("textbox", { name: "Describe a change to v1" });
		expect(await page.getByText("Branches from v1 (latest is v2)").count()).toBe(1);
		await box.fill("Make it say hello again");
		await box.press("Enter");
		await page.waitForURL(new RegExp(`/projects/${project}/v/3$`));
		await page.getByRole("tab", { name: /Versions/ }).click();
		const v3 = page.getByRole("navigation", { name: "Versions" }).locator('[data-version="3"]');
		expect(await v3.textContent()).toContain("branched from v1");
	});

	it("remixes the version on screen into a new project the visitor can edit", async () => {
		await page.getByRole("navigation", { name: "Versions" }).getByRole("link", { name: /^v1/ }).click();
		await page.waitForURL(new RegExp(`/projects/${project}/v/1$`));
		await page.getByRole("button", { name: "Remix", exact: true }).click();
		await page.waitForURL((url) => /\/projects\/[a-z0-9]+/.test(url.pathname) && !url.pathname.includes(project));
		const remixed = /\/projects\/([a-z0-9]+)/.exec(page.url())?.[1];
		expect(remixed).toBeTruthy();
		expect(remixed).not.toBe(project);
		// The code came along, the data did not: the SPA says so.
		await page.getByText("Its data starts empty").waitFor();
		await poll(() => page.getByText("remixed from").textContent()).toContain(`${project} v1`);
		await poll(() => preview().locator("h1").textContent()).toContain(firstPrompt);
		await page.getByRole("textbox", { name: "Describe a change to v1" }).waitFor();

		// Both projects are this browser's: the home page lists them, newest first.
		await page.getByRole("link", { name: "New app" }).click();
		const yours = page.getByRole("region", { name: "Your apps" });
		await poll(() => yours.getByRole("link").count()).toBe(2);
		expect(await yours.getByRole("link").first().textContent()).toContain(remixed);
		await screenshot(page, "14-your-apps");
		await yours.getByRole("link").nth(1).click();
		await page.waitForURL(new RegExp(`/projects/${project}$`));
		expect(errors).toEqual([]);
	});
	it("a new app finished after going Back does not pull the page back to it", async () => {
		const s = await createScenario(fake.url, { replies: [{ chunkSize: 30, holdAfterChunks: 2 }] });
		await page.goto(dev.url);
		const box = page.getByRole("textbox", { name: "Describe the app you want" });
		await box.fill(`An app left behind ${s.marker}`);
		await box.press("Enter");
		await page.waitForURL(/\/projects\/[a-z0-9]+$/);
		const left = /\/projects\/([a-z0-9]+)/.exec(page.url())?.[1];
		await waitForHeld(fake.url, s.id);
		await page.goBack();
		await page.waitForURL(`${dev.url}/`);
		await release(fake.url, s.id);
		// Stored all the same, and listed; the page stays where its user went.
		await poll(async () => (await fetch(`${dev.url}/api/projects/${left}`)).status).toBe(200);
		await page.waitForTimeout(1000);
		expect(page.url()).toBe(`${dev.url}/`);
		expect(errors).toEqual([]);
	});
});
