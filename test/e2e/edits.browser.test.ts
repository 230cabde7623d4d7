/**
 * A follow-up as its author sees it (issue 16): the model answers with one
 * SEARCH/REPLACE block; the code view shows the whole 400-line file with that
 * line changing live and marked, and once v2 is stored the preview shows it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigApp, editAnswer, fullAnswer, rowLine } from "../fakes/big-app.ts";
import { createScenario, type FakeOpenAI, release, waitForHeld } from "../fakes/openai.ts";
import { poll, screenshot } from "./browser.ts";
import type { DevServer } from "./dev-server.ts";
import { generateOver } from "./generate.ts";
import { type Stack, startStack } from "./stack.ts";

let fake: FakeOpenAI;
let dev: DevServer;
let page: Page;
let errors: string[];
let stack: Stack;
beforeAll(async () => {
	stack = await startStack();
	({ fake, dev, page, errors } = stack);
});
afterAll(() => stack?.close());

const APP = bigApp(400);

describe("a follow-up's edit in Chromium", () => {
	it("shows the edited line changing in the code view, then the preview of v2", async () => {
		const first = await createScenario(fake.url, { replies: [{ text: fullAnswer(APP) }] });
		const v1 = await generateOver(dev.url, { prompt: `a long list ${first.marker}` });
		const { project, editToken } = v1.start;
		await page.goto(dev.url);
		await page.evaluate(([p, t]) => localStorage.setItem(`kiln:edit-token:${p}`, t as string), [project, editToken]);
		await page.goto(`${dev.url}/projects/${project}`);
		const code = page.getByRole("region", { name: /^Code:/ });
		await poll(() => code.textContent()).toContain("Row 390 of the big app");

		const n = rowLine(APP, 200);
		const replacement = '  <p class="row" id="r200">Row 200 is now the one that changed, written live</p>';
		const answer = editAnswer([{ search: APP.split("\n")[n - 1], replace: replacement }]);
		// Held with the replacement half written.
		const chunkSize = 8;
		const held = Math.ceil((answer.indexOf("written live") + 1) / chunkSize);
		const s = await createScenario(fake.url, { replies: [{ text: answer, chunkSize, holdAfterChunks: held }] });
		const box = page.getByRole("textbox", { name: "Describe a change to v1" });
		await box.fill(`Change row 200 ${s.marker}`);
		await box.press("Enter");
		await waitForHeld(fake.url, s.id);

		// The whole file, row 200 half replaced and marked, the lines around it as they were, no markers.
		const changed = page.locator(".code .line[data-changed]");
		await poll(() => changed.first().textContent()).toContain("Row 200 is now the one that changed");
		expect(await changed.first().getAttribute("data-n")).toBe(String(n));
		expect(await changed.count()).toBe(1);
		const text = (await code.textContent()) ?? "";
		expect(text).toContain("Row 199 of the big app");
		expect(text).toContain("Row 390 of the big app");
		expect(text).not.toContain("Row 200 of the big app");
		expect(text).not.toMatch(/<<<<<<<|>>>>>>>/);
		await screenshot(page, "edit-streaming");

		await release(fake.url, s.id);
		await page.waitForURL(new RegExp(`/projects/${project}/v/2$`));
		const preview = page.frameLocator('iframe[title^="Preview of"]');
		await poll(() => preview.locator("#r200").textContent()).toBe("Row 200 is now the one that changed, written live");
		expect(await preview.locator("#r201").textContent()).toBe("Row 201 of the big app, with some text to read");
		const stored = (await (await fetch(`${dev.url}/api/projects/${project}/versions/2`)).json()) as {
			version: { code: string };
		};
		expect(stored.version.code).toBe(APP.replace(APP.split("\n")[n - 1], replacement));
		await screenshot(page, "edit-preview");
		expect(errors).toEqual([]);
	});

	it("says so when an edit does not apply, shows the full file the repair turn writes, then v3", async () => {
		const project = /\/projects\/([a-z0-9]+)/.exec(page.url())?.[1] as string;
		const v2 = (await (await fetch(`${dev.url}/api/projects/${project}/versions/2`)).json()) as {
			version: { code: string };
		};
		const fixed = v2.version.code.replace("<title>Big app</title>", "<title>Repaired app</title>");
		const repair = fullAnswer(fixed);
		const s = await createScenario(fake.url, {
			replies: [
				{ text: editAnswer([{ search: "<p>not in the app</p>", replace: "<p>x</p>" }]) },
				{ text: repair, chunkSize: 64, holdAfterChunks: 20 },
			],
		});
		const box = page.getByRole("textbox", { name: "Describe a change to v2" });
		await box.fill(`Rename the app ${s.marker}`);
		await box.press("Enter");
		await waitForHeld(fake.url, s.id);
		const note = page.getByRole("status").filter({ hasText: "does not apply: block 1 of index.html" });
		await poll(() => note.count()).toBe(1);
		expect(await note.textContent()).toContain("The model is writing the full file instead.");
		const code = page.getByRole("region", { name: /^Code:/ });
		// The view restarted from the repair answer: its page so far, none of the failed blocks.
		const text = (await code.textContent()) ?? "";
		expect(text).toContain("Repaired app");
		expect(text).not.toContain("not in the app");
		await screenshot(page, "edit-repair");
		await release(fake.url, s.id);
		await page.waitForURL(new RegExp(`/projects/${project}/v/3$`));
		expect(await page.title()).toContain("v3");
		const stored = (await (await fetch(`${dev.url}/api/projects/${project}/versions/3`)).json()) as {
			version: { code: string };
		};
		expect(stored.version.code).toBe(fixed);
		expect(errors).toEqual([]);
	});
});
