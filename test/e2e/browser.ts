/**
 * The browser tests' helpers: screenshots, pages whose errors are collected,
 * and what each open page showed when a test failed. Importing this module
 * registers that `afterEach`, so only test files may import it; the browser
 * itself comes from ./chromium.ts, which the benchmarks use too.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterEach, expect } from "vitest";
import { repoRoot } from "../migrations.ts";

export { type KilnBrowser, launchBrowser } from "./chromium.ts";

/** Git-ignored: the screenshots the browser tests write, for people to look at. */
export const screenshotDir = path.join(repoRoot, "screenshots");

/** Writes screenshots/<name>.png (full page). */
export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(screenshotDir, { recursive: true });
	const file = path.join(screenshotDir, `${name}.png`);
	// Let entrance animations finish (the endless ones — caret, dots — never do).
	await page.evaluate(() =>
		Promise.all(
			document
				.getAnimations()
				.filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
				.map((a) => a.finished.catch(() => {})),
		),
	);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

const openPages = new Set<Page>();

/**
 * When a test fails, what each open page showed: its address and visible text
 * in the test's output (all a CI log keeps) and a screenshot beside the others.
 * Registered by importing this module, for every test of the importing file.
 */
afterEach(async (ctx) => {
	if (ctx.task.result?.state !== "fail") return;
	let i = 0;
	for (const page of openPages) {
		const name = `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}-${i++}`;
		// biome-ignore lint/performance/useDomNodeTextContent: the text as seen on screen is the point here
		const text = await page.evaluate(() => document.body.innerText).catch((e: Error) => `(unreadable: ${e.message})`);
		console.error(`[${name}] ${page.url()}\n${text.replace(/\s+/g, " ").slice(0, 1500)}`);
		await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true }).catch(() => {});
	}
});

/**
 * A page whose uncaught errors are collected: a test can assert that the SPA
 * threw nothing while it was driven.
 */
export async function openPage(
	browser: Browser,
	opts: { viewport?: { width: number; height: number }; permissionsFor?: string } = {},
): Promise<{ page: Page; errors: string[] }> {
	const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
	if (opts.permissionsFor) {
		await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: opts.permissionsFor });
	}
	const page = await context.newPage();
	page.setDefaultTimeout(15_000);
	openPages.add(page);
	page.on("close", () => openPages.delete(page));
	const errors: string[] = [];
	page.on("pageerror", (e) => errors.push(e.message));
	return { page, errors };
}

/** expect.poll with room for a real server and browser (vitest's default gives up after 1 s). */
export function poll<T>(fn: () => T | Promise<T>): ReturnType<typeof expect.poll<T>> {
	return expect.poll(fn, { timeout: 15_000, interval: 100 });
}
