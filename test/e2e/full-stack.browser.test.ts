/**
 * Full-stack apps in a real browser under `npm run dev`: a starter's page
 * calls its own server (a Dynamic Worker under wrangler dev) and shows its
 * answer; two browsers share the data its server keeps in the project's SQL
 * database (a Durable Object under wrangler dev); a pinned page /v/1/ reaches version 1's server while the latest is
 * v2 (written by the fake model); and with servers off (APP_SERVERS=off) the
 * SPA says why above the app, whose api/ calls answer 501.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario } from "../fakes/openai.ts";
import { repoRoot } from "../migrations.ts";
import { openPage, poll, screenshot } from "./browser.ts";
import { type DevServer, startDev } from "./dev-server.ts";
import { generateOver } from "./generate.ts";
import { type Stack, startStack } from "./stack.ts";

const POLL_PROMPT = "Make a poll that everyone votes in, with the votes checked and counted on a server";
const starterFile = (name: string) => readFileSync(path.join(repoRoot, "workers/codegen/starters", name), "utf8");

let stack: Stack;

beforeAll(async () => {
	stack = await startStack();
});

afterAll(async () => {
	await stack?.close();
});

const preview = (page: Page) => page.frameLocator('iframe[title^="Preview of"]');
const appUrl = (project: string, p = "/") => `http://${project}.localhost:${stack.dev.port}${p}`;

describe("a full-stack starter under npm run dev", () => {
	it("shows its server's answer in the preview, and the server counts a vote", async () => {
		const { page, errors } = await openPage(stack.chromium.browser);
		await page.goto(stack.dev.url);
		await page.getByRole("button", { name: /^Poll/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const app = preview(page);
		// The question comes from the server (the page has none of its own).
		await poll(() => app.locator("#question").textContent()).toBe("Which snack wins?");
		await app.locator('button[data-option="Tacos"]').click();
		await poll(() => app.locator('[data-count="Tacos"]').textContent()).toBe("1 (100%)");
		await poll(() => app.locator("#total").textContent()).toBe("1 vote");
		expect(await page.locator('[data-kind="servers-unavailable"]').count()).toBe(0);
		await screenshot(page, "full-stack-poll");

		// The server kept it: its own API, opened afresh, answers the same. (Chromium resolves
		// *.localhost itself; Node does not, so the browser asks.)
		const project = /\/projects\/([a-z0-9]+)\//.exec(page.url())?.[1] as string;
		await page.goto(appUrl(project, "/api/poll"));
		const counted = JSON.parse((await page.locator("body").textContent()) ?? "") as { counts: Record<string, number> };
		expect(counted.counts.Tacos).toBe(1);
		expect(errors).toEqual([]);
		await page.context().close();
	});

	it("shares its data between two browsers: each sees the other's vote, kept in the project's SQL database", async () => {
		const made = await generateOver(stack.dev.url, { prompt: POLL_PROMPT });
		const project = made.start.project;
		// Two browser contexts: separate profiles, nothing shared but the app's server.
		const a = await openPage(stack.chromium.browser);
		const b = await openPage(stack.chromium.browser);
		for (const { page } of [a, b]) {
			await page.goto(appUrl(project));
			await poll(() => page.locator("#total").textContent()).toBe("0 votes");
		}
		await a.page.locator('button[data-option="Sushi"]').click();
		await poll(() => a.page.locator('[data-count="Sushi"]').textContent()).toBe("1 (100%)");
		await b.page.reload();
		await poll(() => b.page.locator('[data-count="Sushi"]').textContent()).toBe("1 (100%)");
		await b.page.locator('button[data-option="Pizza"]').click();
		await poll(() => b.page.locator("#total").textContent()).toBe("2 votes");
		await a.page.reload();
		await poll(() => a.page.locator("#total").textContent()).toBe("2 votes");
		await poll(() => a.page.locator('[data-count="Pizza"]').textContent()).toBe("1 (50%)");

		// The votes are rows of the project's SQL database, as its owner downloads it.
		const res = await fetch(`${stack.dev.url}/api/projects/${project}/database?format=json`, {
			headers: { authorization: `Bearer ${made.start.editToken}` },
		});
		expect(res.status).toBe(200);
		const lines = (await res.text())
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as { table?: string; row?: { option: string } });
		const rows = lines.filter((l) => l.table === "votes" && l.row);
		expect(rows.map((l) => l.row?.option)).toEqual(["Sushi", "Pizza"]);
		// Only the app's own tables: not the one wrangler dev adds to every named object (__miniflare_do_name).
		expect([...new Set(lines.map((l) => l.table))]).toEqual(["votes"]);
		expect([...a.errors, ...b.errors]).toEqual([]);
		await a.page.context().close();
		await b.page.context().close();
	});

	it("sends a pinned page /v/1/ to version 1's server while the latest is v2", async () => {
		const v1 = await generateOver(stack.dev.url, { prompt: POLL_PROMPT });
		const project = v1.start.project;
		// v2, written by the fake model: the same page, a server that asks another question.
		const server2 = starterFile("poll.server.txt").replace("Which snack wins?", "Which drink wins?");
		expect(server2).not.toBe(starterFile("poll.server.txt"));
		const answer = `- the same poll, another question\n\n\`\`\`html index.html\n${starterFile("poll.html")}\n\`\`\`\n\n\`\`\`js server.js\n${server2}\n\`\`\`\n`;
		const s = await createScenario(stack.fake.url, { replies: [{ text: answer }] });
		const v2 = await generateOver(
			stack.dev.url,
			{ prompt: `ask about drinks ${s.marker}`, project },
			v1.start.editToken,
		);
		expect(v2.last).toMatchObject({ event: "done", data: { version: 2 } });

		const { page, errors } = await openPage(stack.chromium.browser);
		await page.goto(appUrl(project, "/v/1/"));
		await poll(() => page.locator("#question").textContent()).toBe("Which snack wins?");
		await page.goto(appUrl(project));
		await poll(() => page.locator("#question").textContent()).toBe("Which drink wins?");
		// /v/1 without the slash is sent to /v/1/, so its relative api/ URLs still reach v1.
		await page.goto(appUrl(project, "/v/1"));
		expect(page.url()).toBe(appUrl(project, "/v/1/"));
		await poll(() => page.locator("#question").textContent()).toBe("Which snack wins?");
		// The SPA's preview of v1 embeds the pinned page.
		await page.goto(`${stack.dev.url}/projects/${project}/v/1`);
		await poll(() => preview(page).locator("#question").textContent()).toBe("Which snack wins?");
		expect(errors).toEqual([]);
		await page.context().close();
	});
});

describe("with apps' servers off (APP_SERVERS=off)", () => {
	let off: DevServer;
	beforeAll(async () => {
		// One wrangler dev at a time: two at once can collide on wrangler's internal sockets.
		await stack.dev.stop();
		off = await startDev({ env: { APP_SERVERS: "off", KILN_SKIP_SPA_BUILD: "1" } });
	});
	afterAll(async () => {
		await off?.stop();
	});

	it("says why above the app, whose api/ calls answer 501; a page-only app gets no notice", async () => {
		const { page, errors } = await openPage(stack.chromium.browser);
		await page.goto(off.url);
		await page.getByRole("button", { name: /^Poll/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		const notice = page.locator('[data-kind="servers-unavailable"]');
		await poll(() => notice.textContent()).toContain("APP_SERVERS=off");
		expect(await notice.textContent()).toContain("This app's server cannot run here");
		// The page itself loads, and shows the server path's own 501 message.
		await poll(() => preview(page).locator("#msg").textContent()).toContain("turned off");
		await screenshot(page, "full-stack-servers-off");

		// The app's own origin (Node cannot resolve *.localhost; the browser can).
		const project = /\/projects\/([a-z0-9]+)\//.exec(page.url())?.[1] as string;
		await page.goto(`http://${project}.localhost:${off.port}/`);
		const answer = await page.evaluate(async () => {
			const res = await fetch("api/poll");
			return { status: res.status, body: await res.json() };
		});
		expect(answer).toMatchObject({ status: 501, body: { error: { code: "servers_unavailable" } } });

		await page.goto(off.url);
		await page.getByRole("button", { name: /^Calculator/ }).click();
		await page.waitForURL(/\/projects\/[a-z0-9]+\/v\/1$/);
		await preview(page).locator('button[data-k="7"]').waitFor();
		expect(await notice.count()).toBe(0);
		expect(errors).toEqual([]);
		await page.context().close();
	});
});
