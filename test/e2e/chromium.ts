/**
 * Launches Debian's Chromium (`apt-get install chromium`) through playwright-core:
 * `npx playwright install` cannot download a browser here, and CI installs this one.
 * No vitest in here: the benchmarks launch the browser outside any test run.
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags: headless without a sandbox (containers), and without the background
 * services (updates, sync, field trials...) that otherwise flood a closed network.
 */
const ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-default-apps",
	"--disable-extensions",
	"--metrics-recording-only",
	"--mute-audio",
];

export interface KilnBrowser {
	browser: Browser;
	close: () => Promise<void>;
}

/** A fresh Chromium (playwright gives each launch its own throwaway profile directory). */
export async function launchBrowser(): Promise<KilnBrowser> {
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
	return { browser, close: () => browser.close().catch(() => {}) };
}
