/**
 * Generated apps as people meet them: `npm run dev` with the fake
 * OpenAI-compatible server as the model (through LLM_BASE_URL), and Debian's
 * Chromium opening each app on its own origin, http://<project>.localhost:<port>
 * (Chromium resolves *.localhost to loopback; wrangler dev passes the Host on).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentListJson } from "../../src/shared/api.ts";
import { createScenario, type FakeOpenAI, recordedRequests, startFakeOpenAI } from "../fakes/openai.ts";
import { type KilnBrowser, launchBrowser, openPage, poll, screenshot } from "./browser.ts";
import { type DevServer, startDev } from "./dev-server.ts";
import { generateOver } from "./generate.ts";

let fake: FakeOpenAI;
let dev: DevServer;
let kb: KilnBrowser;

beforeAll(async () => {
	fake = await startFakeOpenAI();
	[dev, kb] = await Promise.all([
		startDev({
			env: {
				LLM_BASE_URL: `${fake.url}/v1`,
				LLM_MODEL: "fake-model",
				LLM_API_KEY: "e2e-key",
				KILN_SKIP_SPA_BUILD: "1",
			},
		}),
		launchBrowser(),
	]);
});

afterAll(async () => {
	await kb?.close();
	await dev?.stop();
	await fake?.close();
});

/** POST /api/generate and read the whole event stream. */
const generate = (body: object, token?: string) => generateOver(dev.url, body, token);

const appUrl = (project: string, path = "/") => `http://${project}.localhost:${dev.port}${path}`;

describe("npm run dev with a model", () => {
	it("streams a generation from the configured model and serves it on the project's origin", async () => {
		const s = await createScenario(fake.url);
		const g = await generate({ prompt: `a page for the e2e test ${s.marker}` });
		expect(g.last?.event).toBe("done");
		const [req] = await recordedRequests(fake.url, s.id);
		expect(req.authorization).toBe("Bearer e2e-key");
		// /p/ on Kiln's origin sends the browser to the app's own origin.
		const share = await fetch(`${dev.url}/p/${g.start.project}`, { redirect: "manual" });
		expect(share.headers.get("location")).toBe(appUrl(g.start.project));
		const { page } = await openPage(kb.browser);
		await page.goto(`${dev.url}/p/${g.start.project}`);
		expect(page.url()).toBe(appUrl(g.start.project));
		await expect(page.locator("h1").textContent()).resolves.toBe(`a page for the e2e test ${s.marker}`);
		await page.context().close();
	});
});

describe("a generated app in the browser", () => {
	it("keeps its data in the store across visitors (the to-do starter)", async () => {
		const g = await generate({
			prompt: "Build a to-do list that everyone who opens it shares, and that keeps its items",
		});
		const project = g.start.project as string;
		const { page, errors } = await openPage(kb.browser);
		await page.goto(appUrl(project));
		await page.getByPlaceholder("What needs doing?").fill("buy milk");
		await page.getByRole("button", { name: "Add" }).click();
		await poll(() => page.locator("li span").allTextContents()).toEqual(["buy milk"]);
		await page.getByRole("checkbox").check();
		await poll(() => page.locator("li.done span").allTextContents()).toEqual(["buy milk"]);
		await screenshot(page, "codegen-todo-app");
		// Another visitor (a fresh browser context: no shared storage) sees the same list.
		const other = await openPage(kb.browser);
		await other.page.goto(appUrl(project));
		await poll(() => other.page.locator("li.done span").allTextContents()).toEqual(["buy milk"]);
		// And it is in the store itself.
		const stored = (await (await fetch(`${dev.url}/api/projects/${project}/data/todos`)).json()) as DocumentListJson;
		expect(stored.documents.map((d) => d.value)).toEqual([{ text: "buy milk", done: true }]);
		expect(errors).toEqual([]);
		await page.context().close();
		await other.page.context().close();
	});

	it("has its own origin: its localStorage works and is apart from Kiln's and other apps'", async () => {
		const a = (await generate({ prompt: "Build me a calculator app" })).start.project as string;
		const b = (await generate({ prompt: "Build a tip calculator that splits the bill" })).start.project as string;
		const { page } = await openPage(kb.browser);
		await page.goto(`${dev.url}/healthz`);
		await page.evaluate(() => {
			localStorage.setItem("kiln-secret", "spa");
			// biome-ignore lint/suspicious/noDocumentCookie: the test sets a cookie on purpose, to see that an app cannot read it
			document.cookie = "session=spa-cookie; path=/";
		});
		await page.goto(appUrl(a));
		expect(await page.evaluate(() => [localStorage.getItem("kiln-secret"), document.cookie])).toEqual([null, ""]);
		await page.evaluate(() => localStorage.setItem("mine", "a"));
		await page.reload();
		expect(await page.evaluate(() => localStorage.getItem("mine"))).toBe("a");
		await page.goto(appUrl(b));
		expect(await page.evaluate(() => localStorage.getItem("mine"))).toBeNull();
		// An app cannot read another app's data through the browser either (no CORS between origins).
		await page.goto(appUrl(b));
		const crossRead = await page.evaluate(
			async (url) => {
				try {
					await fetch(url);
					return "read";
				} catch {
					return "blocked";
				}
			},
			appUrl(a, "/_kiln/data/anything"),
		);
		expect(crossRead).toBe("blocked");
		await page.context().close();
	});
});

describe("without project origins (PROJECT_ORIGIN=off)", () => {
	let sandboxed: DevServer;
	beforeAll(async () => {
		// One wrangler dev at a time: two at once can collide on wrangler's internal sockets.
		await dev?.stop();
		sandboxed = await startDev({ env: { PROJECT_ORIGIN: "off", KILN_SKIP_SPA_BUILD: "1" } });
	});
	afterAll(() => sandboxed?.stop());

	it("serves apps under /p/ in a CSP sandbox (an opaque origin), and their data store still works", async () => {
		const res = await fetch(`${sandboxed.url}/api/generate`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				prompt: "Build a to-do list that everyone who opens it shares, and that keeps its items",
			}),
		});
		const project = /"project":"([a-z0-9]+)"/.exec(await res.text())?.[1] as string;
		// The share link redirects to the app's canonical URL, whose slash lets its relative api/ URLs reach its server.
		const bare = await fetch(`${sandboxed.url}/p/${project}`, { redirect: "manual" });
		expect(bare.status).toBe(302);
		expect(bare.headers.get("location")).toBe(`/p/${project}/`);
		const served = await fetch(`${sandboxed.url}/p/${project}/`, { redirect: "manual" });
		expect(served.status).toBe(200);
		expect(served.headers.get("content-security-policy")).toBe(
			"sandbox allow-scripts allow-forms allow-modals allow-popups",
		);

		const { page, errors } = await openPage(kb.browser);
		await page.goto(`${sandboxed.url}/p/${project}`);
		// An opaque origin: no storage at all, so nothing of Kiln's can be read.
		expect(await page.evaluate(() => origin)).toBe("null");
		expect(
			await page.evaluate(() => {
				try {
					localStorage.getItem("x");
					return "storage";
				} catch {
					return "no storage";
				}
			}),
		).toBe("no storage");
		// The data store answers it with CORS (preflighted PUTs included).
		await page.getByPlaceholder("What needs doing?").fill("sandboxed item");
		await page.getByRole("button", { name: "Add" }).click();
		await poll(() => page.locator("li span").allTextContents()).toEqual(["sandboxed item"]);
		await page.reload();
		await poll(() => page.locator("li span").allTextContents()).toEqual(["sandboxed item"]);
		expect(errors).toEqual([]);
		await page.context().close();
	});
});
