/**
 * A fresh machine with no model configured at all: the page says what to set,
 * a free-form prompt gets the API's "no model" answer, and a starter prompt
 * still produces a working app in the preview. Also: what the web Worker
 * serves for the SPA itself (caching, favicon), the keyboard path, and the
 * phone layout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KilnBrowser, launchBrowser, openPage, poll, screenshot } from "./browser.ts";
import { type DevServer, startDev } from "./dev-server.ts";

let dev: DevServer;
let chromium: KilnBrowser;

// Empty means unset, even if a developer's .dev.vars configures a model.
const NO_MODEL = { LLM_PROVIDER: "", LLM_BASE_URL: "", LLM_API_KEY: "", LLM_MODEL: "" };

beforeAll(async () => {
	[dev, chromium] = await Promise.all([startDev({ env: NO_MODEL }), launchBrowser()]);
});

afterAll(async () => {
	await chromium?.close();
	await dev?.stop();
});

const preview = (page: import("playwright-core").Page) => page.frameLocator('iframe[title^="Preview of"]');

describe("with no model configured", () => {
	it("says what to set, answers a free-form prompt with the API's message, and recovers", async () => {
		const { page, errors } = await openPage(chromium.browser);
		await page.goto(dev.url);
		const note = page.locator('[data-kind="no-model-config"]');
		await poll(() => note.textContent()).toContain("LLM_BASE_URL");
		await screenshot(page, "09-no-model");

		const box = page.getByRole("textbox", { name: "Describe the app you want" });
		await box.fill("A weather dashboard");
		await page.getByRole("button", { name: "Generate" }).click();
		const alert = page.getByRole("alert");
		await poll(() => alert.getAttribute("data-kind")).toBe("no-model");
		const expected = (await (await fetch(`${dev.url}/api/config`)).json()) as { llm: { message: string } };
		expect(await alert.textContent()).toContain(expected.llm.message);
		expect(page.url()).toBe(`${dev.url}/`); // nothing was created
		await page.getByRole("button", { name: "Dismiss" }).click();
		await alert.waitFor({ state: "detached" });
		expect(await box.inputValue()).toBe("A weather dashboard"); // the prompt is kept to edit
		expect(errors).toEqual([]);
		await page.context().close();
	});

	it("makes a working calculator from a starter prompt", async () => {
		const { page, errors } = await openPage(chromium.browser);
		await page.goto(dev.url);
		await page.getByRole("button", { name: /^Calculator/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const app = preview(page);
		for (const key of ["7", "+", "5", "="]) await app.locator(`button[data-k="${key}"]`).click();
		await poll(() => app.locator("#out").textContent()).toBe("12");
		// Starters are stored, not written: the stats say so.
		const stats = page.getByRole("region", { name: /Generation stats/ });
		expect(await stats.getAttribute("aria-label")).toContain("starter app, answered without a model");
		expect(errors).toEqual([]);
		await page.context().close();
	});

	it("reads the app it has just made after the write's D1 bookmark (read-your-writes)", async () => {
		const { page, errors } = await openPage(chromium.browser);
		const reads: { path: string; bookmark: string | undefined }[] = [];
		page.on("request", (r) => {
			const path = new URL(r.url()).pathname;
			if (path.startsWith("/api/projects/")) reads.push({ path, bookmark: r.headers()["x-d1-bookmark"] });
		});
		const generated = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/generate");
		await page.goto(dev.url);
		await page.getByRole("button", { name: /^Calculator/ }).click();
		const stream = await (await generated).text();
		const done = JSON.parse(/^event: done\ndata: (.*)$/m.exec(stream)?.[1] ?? "null") as {
			project: string;
			bookmark: string;
		};
		expect(done.bookmark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32,128}$/);
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		// The reads of the new project and its version sent a bookmark no older than the write's.
		const after = () =>
			reads.filter((r) => r.path.startsWith(`/api/projects/${done.project}`) && (r.bookmark ?? "") >= done.bookmark);
		await poll(() => after().length).toBeGreaterThan(0);
		expect(await page.evaluate(() => sessionStorage.getItem("kiln:d1-bookmark") ?? "")).not.toBe("");
		expect(errors).toEqual([]);
		await page.context().close();
	});

	it("runs the snake game in the preview, where this browser blocks the frame's localStorage", async () => {
		const { page, errors } = await openPage(chromium.browser);
		await page.goto(dev.url);
		await page.getByRole("button", { name: /^Snake/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const app = preview(page);
		await app.locator("#start").click();
		// Start hides itself once the game runs; a script that died on blocked storage never gets there.
		await poll(() => app.locator("#start").count()).toBe(0);
		await poll(() => app.locator("#status").textContent()).toBe("Arrow keys or swipe to move.");
		expect(errors).toEqual([]);
		await page.context().close();
	});

	it("keeps a starter to-do list's items in the project's data store", async () => {
		const { page } = await openPage(chromium.browser);
		await page.goto(dev.url);
		await page.getByRole("button", { name: /^Shared to-do list/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const app = preview(page);
		await app.locator("#text").fill("Buy clay");
		await app.locator("#text").press("Enter");
		await poll(() => app.locator("#list").textContent()).toContain("Buy clay");
		await page.getByRole("button", { name: "Reload preview" }).click();
		await poll(() => app.locator("#list").textContent()).toContain("Buy clay");
		await page.context().close();
	});
});

describe("the SPA as served", () => {
	it("caches fingerprinted assets for a year and revalidates the page", async () => {
		const page = await fetch(`${dev.url}/`, { headers: { Accept: "text/html" } });
		expect(page.status).toBe(200);
		expect(page.headers.get("cache-control")).toBe("no-cache");
		expect(page.headers.get("etag")).toBeTruthy();
		expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
		const html = await page.text();
		const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
		expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
		expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
		for (const a of assets) {
			const res = await fetch(`${dev.url}${a}`);
			expect(res.status, a).toBe(200);
			expect(res.headers.get("cache-control"), a).toBe("public, max-age=31536000, immutable");
		}
		// A page path the SPA routes gets the same page, also revalidated (a browser
		// navigation: Node's fetch cannot send Sec-Fetch-Mode: navigate).
		const { page: tab } = await openPage(chromium.browser);
		const deep = await tab.goto(`${dev.url}/projects/abc123/v/2`);
		expect(deep?.status()).toBe(200);
		expect(deep?.headers()["cache-control"]).toBe("no-cache");
		expect(await deep?.text()).toBe(html);
		await tab.context().close();
		// A revalidation is a cheap 304.
		const again = await fetch(`${dev.url}/`, { headers: { "If-None-Match": page.headers.get("etag") as string } });
		expect(again.status).toBe(304);
	});

	it("says so when a link names an app or a version that does not exist", async () => {
		const { page, errors } = await openPage(chromium.browser);
		await page.goto(`${dev.url}/projects/nosuchapp1`);
		await page.getByRole("heading", { name: "No such app" }).waitFor();
		await page.goto(dev.url);
		await page.getByRole("button", { name: /^Snake/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const project = /\/projects\/([a-z0-9]+)/.exec(page.url())?.[1];
		await page.goto(`${dev.url}/projects/${project}/v/99`);
		await page.getByRole("heading", { name: "No such version" }).waitFor();
		await page.getByRole("link", { name: "Open the latest version (v1)" }).click();
		await page.waitForURL(new RegExp(`/projects/${project}$`));
		await page.getByRole("tab", { name: "Versions (1)" }).waitFor();
		await page.goto(`${dev.url}/nothing/here`);
		await page.getByRole("heading", { name: "Nothing here" }).waitFor();
		expect(errors).toEqual([]);
		await page.context().close();
	});

	it("has a real favicon", async () => {
		const svg = await fetch(`${dev.url}/favicon.svg`);
		expect(svg.headers.get("content-type")).toContain("image/svg+xml");
		expect(await svg.text()).toContain("<svg");
		const ico = await fetch(`${dev.url}/favicon.ico`);
		expect(ico.status).toBe(200);
		expect([...new Uint8Array(await ico.arrayBuffer()).slice(0, 4)]).toEqual([0, 0, 1, 0]); // ICO header
	});

	it("works from the keyboard alone", async () => {
		const { page } = await openPage(chromium.browser);
		await page.goto(dev.url);
		// The prompt box is focused on arrival.
		const box = page.getByRole("textbox", { name: "Describe the app you want" });
		await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
		// Before it, going backwards: the home link, then the skip link.
		await page.keyboard.press("Shift+Tab");
		expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Kiln home");
		await page.keyboard.press("Shift+Tab");
		expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
		// A starter chip is a few Tabs after the prompt box (once the starters have loaded).
		await page.getByRole("button", { name: /^Calculator/ }).waitFor();
		await box.focus();
		let label = "";
		for (let i = 0; i < 6 && !label.startsWith("Calculator"); i++) {
			await page.keyboard.press("Tab");
			label = (await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))) ?? "";
		}
		expect(label).toMatch(/^Calculator/);
		await page.keyboard.press("Enter");
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		// Tabs move with the arrow keys.
		await page.getByRole("tab", { name: "Code" }).focus();
		await page.keyboard.press("ArrowRight");
		expect(await page.getByRole("tab", { name: /Versions/ }).getAttribute("aria-selected")).toBe("true");
		expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("tab");
		// The share dialog opens from the keyboard and closes with Escape, returning focus.
		const share = page.getByRole("button", { name: "Share" });
		await poll(() => share.isEnabled()).toBe(true); // once the project has loaded
		await share.focus();
		await page.keyboard.press("Enter");
		await page.getByRole("dialog", { name: "Share this app" }).waitFor();
		await page.keyboard.press("Escape");
		await page.getByRole("dialog").waitFor({ state: "hidden" });
		expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Share");
		await page.context().close();
	});

	it("is readable at phone width: nothing wider than the screen, every control labelled", async () => {
		const { page } = await openPage(chromium.browser, { viewport: { width: 375, height: 740 } });
		await page.goto(dev.url);
		await page.getByRole("button", { name: /^Calculator/ }).waitFor();
		const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(await overflow()).toBeLessThanOrEqual(0);
		await screenshot(page, "11-phone-empty");
		await page.getByRole("button", { name: /^Tip calculator/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		// On a phone the preview is a tab, shown first once an app is made.
		await poll(() => page.getByRole("tab", { name: "Preview" }).getAttribute("aria-selected")).toBe("true");
		await poll(() => preview(page).locator("body").textContent()).toBeTruthy();
		expect(await overflow()).toBeLessThanOrEqual(0);
		const unlabelled = await page.evaluate(() =>
			[...document.querySelectorAll("button, a[href], input, textarea, select, [role=tab]")]
				.filter((el) => {
					const name =
						el.getAttribute("aria-label") ||
						el.textContent?.trim() ||
						(el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent?.trim());
					return !name;
				})
				.map((el) => el.outerHTML.slice(0, 80)),
		);
		expect(unlabelled).toEqual([]);
		await screenshot(page, "12-phone-preview");
		await page.getByRole("tab", { name: "Code" }).click();
		await screenshot(page, "13-phone-code");
		await page.context().close();
	});

	it("opens someone else's app on a phone at its preview, not its code", async () => {
		const maker = await openPage(chromium.browser);
		await maker.page.goto(dev.url);
		await maker.page.getByRole("button", { name: /^Calculator/ }).click();
		await maker.page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const link = maker.page.url().replace(/\/v\/1$/, "");
		await maker.page.context().close();

		// A fresh browser holds no edit token for it: a visitor following a shared link.
		const { page, errors } = await openPage(chromium.browser, { viewport: { width: 375, height: 740 } });
		await page.goto(link);
		await page.getByRole("button", { name: "Remix to edit" }).waitFor();
		expect(await page.getByRole("tab", { name: "Preview" }).getAttribute("aria-selected")).toBe("true");
		expect(await page.getByRole("tab", { name: "Code" }).getAttribute("aria-selected")).toBe("false");
		await poll(() => preview(page).locator("#out").count()).toBe(1);
		expect(errors).toEqual([]);
		await page.context().close();
	});
});
