/**
 * What most browser tests stand on: the fake model, `npm run dev` pointed at it
 * (as a user sets LLM_BASE_URL), and Chromium with one page open on nothing yet.
 */
import type { Page } from "playwright-core";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai.ts";
import { type KilnBrowser, launchBrowser, openPage } from "./browser.ts";
import { type DevServer, startDev } from "./dev-server.ts";

export interface Stack {
	fake: FakeOpenAI;
	dev: DevServer;
	chromium: KilnBrowser;
	page: Page;
	/** Uncaught errors of `page`. */
	errors: string[];
	close: () => Promise<void>;
}

export async function startStack(
	opts: { settings?: Record<string, string>; clipboard?: boolean } = {},
): Promise<Stack> {
	const fake = await startFakeOpenAI();
	const [dev, chromium] = await Promise.all([
		startDev({ env: { LLM_BASE_URL: `${fake.url}/v1`, LLM_MODEL: "fake-model", ...opts.settings } }),
		launchBrowser(),
	]);
	const { page, errors } = await openPage(chromium.browser, opts.clipboard ? { permissionsFor: dev.url } : {});
	return {
		fake,
		dev,
		chromium,
		page,
		errors,
		close: async () => {
			await chromium.close();
			await dev.stop();
			await fake.close();
		},
	};
}
