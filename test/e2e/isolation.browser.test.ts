/**
 * Generated apps are untrusted: each runs on its own origin, embedded with
 * allow-same-origin only because that origin is its alone. Here a generated
 * app tries to read the SPA's localStorage (which holds edit tokens) and
 * cookies, Kiln's API, and another project's storage — and fails — while its
 * own localStorage works and persists.
 *
 * Two setups, each on its own `npm run dev`:
 * - the default: Kiln on http://localhost:<port>, apps on http://<project>.localhost:<port>.
 *   Browsers treat every *.localhost name as its own site, so the embedded
 *   preview is a third-party frame, and this Chromium (like Chrome with
 *   third-party cookies blocked, or any incognito window) gives third-party
 *   frames no storage at all: the app's own localStorage works when it is
 *   opened in its own tab (first-party), not inside the preview.
 * - same-site origins, as in production (Kiln on kiln.example.com, apps on
 *   *.apps.example.com): PROJECT_ORIGIN=http://*.kiln.localhost with
 *   Kiln opened at http://kiln.localhost:<port>. Still one origin per app, and
 *   the embedded preview keeps its own localStorage.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario, type FakeOpenAI, startFakeOpenAI } from "../fakes/openai.ts";
import { type KilnBrowser, launchBrowser, openPage, poll, screenshot } from "./browser.ts";
import { type DevServer, startDev } from "./dev-server.ts";

let fake: FakeOpenAI;
let chromium: KilnBrowser;

beforeAll(async () => {
	[fake, chromium] = await Promise.all([startFakeOpenAI(), launchBrowser()]);
});

afterAll(async () => {
	await chromium?.close();
	await fake?.close();
});

const fenced = (html: string) => `A plan.\n\n\`\`\`html\n${html}\n\`\`\`\n`;

/** Another project's app: keeps a secret in its own localStorage. */
const OTHER_APP = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Other</title></head><body>
<h1 id="status">…</h1>
<script>
try {
  localStorage.setItem("other-secret", "only for the other app");
  document.getElementById("status").textContent = "stored " + localStorage.getItem("other-secret");
} catch (e) {
  document.getElementById("status").textContent = "no storage: " + e.name;
}
</script></body></html>`;

/** The probing app: reports in its own DOM what it could read. */
function probeApp(otherOrigin: string, spaOrigin: string): string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Probe</title></head><body>
<h1>Probe</h1><pre id="out">running</pre>
<iframe id="other" src="${otherOrigin}/" title="other"></iframe>
<script>
const out = {};
const attempt = (name, f) => { try { out[name] = f(); } catch (e) { out[name] = "blocked:" + e.name; } };
attempt("own", () => {
  const runs = Number(localStorage.getItem("runs") || 0) + 1;
  localStorage.setItem("runs", String(runs));
  return localStorage.getItem("runs");
});
attempt("keys", () => Object.keys(localStorage).sort().join(","));
attempt("cookie", () => document.cookie);
attempt("parentStorage", () => JSON.stringify(Object.keys(window.parent.localStorage)));
attempt("parentCookie", () => window.parent.document.cookie);
attempt("topLocation", () => window.top.location.href);
const report = () => { document.getElementById("out").textContent = JSON.stringify(out); };
document.getElementById("other").addEventListener("load", async () => {
  attempt("otherStorage", () => JSON.stringify(Object.keys(document.getElementById("other").contentWindow.localStorage)));
  for (const [name, url] of [["spaApi", "${spaOrigin}/api/config"], ["otherPage", "${otherOrigin}/"]]) {
    try { const r = await fetch(url); out[name] = "read:" + (await r.text()).slice(0, 40); }
    catch (e) { out[name] = "blocked:" + e.name; }
  }
  report();
});
</script></body></html>`;
}

interface Setup {
	name: string;
	/** Extra settings for npm run dev. */
	env: () => Record<string, string>;
	/** Where people open Kiln. */
	kilnUrl: (port: number) => string;
	appOrigin: (project: string, port: number) => string;
	/** Whether the embedded preview gets storage (first-party) in this browser. */
	previewHasStorage: boolean;
}

const setups: Setup[] = [
	{
		name: "default origins (localhost and <project>.localhost)",
		env: () => ({}),
		kilnUrl: (port) => `http://localhost:${port}`,
		appOrigin: (project, port) => `http://${project}.localhost:${port}`,
		previewHasStorage: false,
	},
	{
		name: "same-site origins (kiln.localhost and <project>.kiln.localhost)",
		// npm run dev adds its own port to a *.localhost pattern.
		env: () => ({ PROJECT_ORIGIN: "http://*.kiln.localhost" }),
		kilnUrl: (port) => `http://kiln.localhost:${port}`,
		appOrigin: (project, port) => `http://${project}.kiln.localhost:${port}`,
		previewHasStorage: true,
	},
];

describe.each(setups)("generated apps are isolated: $name", (setup) => {
	let dev: DevServer;
	let kiln: string;
	beforeAll(async () => {
		dev = await startDev({ env: { LLM_BASE_URL: `${fake.url}/v1`, LLM_MODEL: "fake-model", ...setup.env() } });
		kiln = setup.kilnUrl(dev.port);
	});
	afterAll(() => dev?.stop());

	/** Generates a project from Node, as any API client would; returns its id. */
	async function generateFromApi(prompt: string): Promise<string> {
		const res = await fetch(`${dev.url}/api/generate`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ prompt }),
		});
		const text = await res.text();
		expect(text).toContain("event: done");
		return /"project":"([a-z0-9]+)"/.exec(text)?.[1] as string;
	}

	it("cannot read the SPA's storage, cookies or API, nor another project's storage; its own storage works", async () => {
		const other = await generateFromApi(
			`Other app ${(await createScenario(fake.url, { replies: [{ text: fenced(OTHER_APP) }] })).marker}`,
		);
		const otherOrigin = setup.appOrigin(other, dev.port);

		const { page, errors } = await openPage(chromium.browser);
		await page.goto(kiln);
		// Something worth stealing on Kiln's own origin, besides the edit tokens.
		await page.evaluate(() => {
			// biome-ignore lint/suspicious/noDocumentCookie: planting a cookie for the app to try to read
			document.cookie = "kiln_spa_secret=do-not-leak; path=/";
			localStorage.setItem("kiln_spa_secret", "do-not-leak");
		});
		// The other app, opened on its own, keeps a secret in its storage.
		const { page: otherTab } = await openPage(chromium.browser);
		await otherTab.goto(`${otherOrigin}/`);
		expect(await otherTab.locator("#status").textContent()).toBe("stored only for the other app");
		await otherTab.context().close();

		const s = await createScenario(fake.url, { replies: [{ text: fenced(probeApp(otherOrigin, kiln)) }] });
		const box = page.getByRole("textbox", { name: "Describe the app you want" });
		await box.fill(`A probe ${s.marker}`);
		await box.press("Enter");
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const project = /\/projects\/([a-z0-9]+)/.exec(page.url())?.[1] as string;
		const appOrigin = setup.appOrigin(project, dev.port);
		// The SPA kept this project's edit token in its own localStorage.
		expect(await page.evaluate((p) => localStorage.getItem(`kiln:edit-token:${p}`), project)).toMatch(/^kiln_/);

		// The preview is the project's own origin, never Kiln's.
		const iframe = page.locator('iframe[title^="Preview of"]');
		expect(new URL((await iframe.getAttribute("src")) as string).origin).toBe(appOrigin);
		const frame = page.frameLocator('iframe[title^="Preview of"]');
		await poll(() => frame.locator("#out").textContent()).toMatch(/^\{/);
		const seen = JSON.parse((await frame.locator("#out").textContent()) as string);
		expect(seen.parentStorage).toBe("blocked:SecurityError");
		expect(seen.parentCookie).toBe("blocked:SecurityError");
		expect(seen.topLocation).toBe("blocked:SecurityError");
		expect(seen.otherStorage).toBe("blocked:SecurityError");
		expect(seen.spaApi).toBe("blocked:TypeError"); // cross-origin without CORS: Kiln's API is not readable
		expect(seen.otherPage).toBe("blocked:TypeError");
		expect(seen.cookie).toBe("");
		if (setup.previewHasStorage) {
			expect(seen.own).toBe("1");
			expect(seen.keys).toBe("runs"); // no edit token, no SPA secret, no other app's secret
			// It persists: the reload button runs the app again.
			await page.getByRole("button", { name: "Reload preview" }).click();
			await poll(async () => JSON.parse((await frame.locator("#out").textContent()) ?? "{}").own).toBe("2");
			await screenshot(page, "10-isolation");
		} else {
			// A third-party frame here gets no storage at all (see the top of this file).
			expect(seen.own).toBe("blocked:SecurityError");
		}

		// Opened on its own (first-party), the app has its own storage and still nothing else.
		const { page: appTab } = await openPage(chromium.browser);
		await appTab.goto(`${appOrigin}/`);
		await poll(() => appTab.locator("#out").textContent()).toMatch(/^\{/);
		const alone = JSON.parse((await appTab.locator("#out").textContent()) as string);
		expect(alone.own).toBe("1");
		expect(alone.keys).toBe("runs");
		expect(alone.cookie).toBe("");
		expect(alone.otherStorage).toBe("blocked:SecurityError");
		expect(alone.spaApi).toBe("blocked:TypeError");
		await appTab.reload();
		await poll(async () => JSON.parse((await appTab.locator("#out").textContent()) ?? "{}").own).toBe("2");
		await appTab.context().close();

		expect(errors).toEqual([]);
		await page.context().close();
	});
});
