/**
 * SPA benchmarks (issue 4, point 6), printed, never asserted:
 *
 *  (a) what the SPA ships on first load: JavaScript and CSS, raw, gzip and
 *      brotli, from a production build (into a temporary directory, so a
 *      running dev server's dist/spa is left alone); target <= 100 KiB of
 *      gzipped JavaScript on the first page (what later pages need loads lazily).
 *  (b) time from navigation to an interactive prompt box in headless Chromium,
 *      against the real `npm run dev`: the `kiln:prompt-ready` mark the home
 *      page sets once the box is mounted, focused and handling keys, measured
 *      from the navigation's time origin. Cold (fresh browser context, empty
 *      cache) and warm (same context, assets from cache) loads alternate.
 *
 * `BENCH_RUNS` (loads per side, default 15) tunes it; `BENCH_SMOKE=1` loads once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { build } from "vite";
import { launchBrowser } from "../test/e2e/chromium.ts";
import { startDev } from "../test/e2e/dev-server.ts";
import { size } from "./options.ts";

const root = path.resolve(import.meta.dirname, "..");
const RUNS = size("BENCH_RUNS", 15, 1);
const BUDGET_JS_GZIP = 100 * 1024;

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function shippedBytes() {
	const out = mkdtempSync(path.join(tmpdir(), "kiln-spa-bench-"));
	try {
		await build({
			configFile: path.join(root, "src/spa/vite.config.ts"),
			logLevel: "warn",
			build: { outDir: out, emptyOutDir: true },
		});
		const html = readFileSync(path.join(out, "index.html"), "utf8");
		const rows: { file: string; kind: string; firstLoad: boolean; raw: number; gzip: number; brotli: number }[] = [];
		for (const file of readdirSync(path.join(out, "assets"))) {
			const kind = file.endsWith(".js") ? "js" : file.endsWith(".css") ? "css" : "";
			if (!kind) continue;
			const buf = readFileSync(path.join(out, "assets", file));
			rows.push({
				file,
				kind,
				firstLoad: html.includes(`/assets/${file}`),
				raw: statSync(path.join(out, "assets", file)).size,
				gzip: gzipSync(buf, { level: 9 }).length,
				brotli: brotliCompressSync(buf).length,
			});
		}
		const htmlBytes = Buffer.byteLength(html);
		return { rows, html: { raw: htmlBytes, gzip: gzipSync(html, { level: 9 }).length } };
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
}

function summary(xs: number[]) {
	const s = [...xs].sort((a, b) => a - b);
	const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
	return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}

async function timeToInteractive() {
	const [dev, chromium] = await Promise.all([
		startDev({ env: { LLM_PROVIDER: "", LLM_BASE_URL: "", LLM_API_KEY: "", LLM_MODEL: "" } }),
		launchBrowser(),
	]);
	try {
		const cold: number[] = [];
		const warm: number[] = [];
		const measure = async (page: import("playwright-core").Page) => {
			await page.goto(dev.url, { waitUntil: "commit" });
			// A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
			const ms = (await page.evaluate(`new Promise((resolve) => {
				const check = () => {
					const m = performance.getEntriesByName("kiln:prompt-ready")[0];
					if (m && document.activeElement?.tagName === "TEXTAREA") resolve(m.startTime);
					else requestAnimationFrame(check);
				};
				check();
			})`)) as number;
			// It really is interactive: typing enables the button.
			await page.keyboard.type("x");
			if (await page.getByRole("button", { name: "Generate" }).isDisabled())
				throw new Error("prompt box not interactive");
			return ms;
		};
		// One unmeasured load warms wrangler dev itself.
		{
			const ctx = await chromium.browser.newContext();
			await measure(await ctx.newPage());
			await ctx.close();
		}
		for (let i = 0; i < RUNS; i++) {
			const ctx = await chromium.browser.newContext();
			const page = await ctx.newPage();
			cold.push(await measure(page));
			warm.push(await measure(page));
			await ctx.close();
		}
		return { cold: summary(cold), warm: summary(warm) };
	} finally {
		await chromium.close();
		await dev.stop();
	}
}

const bytes = await shippedBytes();
console.log("(a) shipped on first load (production build)");
console.log("    file                               raw        gzip       brotli");
for (const r of bytes.rows) {
	console.log(
		`    ${`${r.file}${r.firstLoad ? "" : " (lazy)"}`.padEnd(34)} ${kib(r.raw).padStart(10)} ${kib(r.gzip).padStart(10)} ${kib(r.brotli).padStart(10)}`,
	);
}
const first = bytes.rows.filter((r) => r.firstLoad);
const sum = (kind: string, key: "raw" | "gzip" | "brotli") =>
	first.filter((r) => r.kind === kind).reduce((n, r) => n + r[key], 0);
console.log(
	`    JavaScript: ${kib(sum("js", "raw"))} raw, ${kib(sum("js", "gzip"))} gzip, ${kib(sum("js", "brotli"))} brotli`,
);
console.log(
	`    CSS:        ${kib(sum("css", "raw"))} raw, ${kib(sum("css", "gzip"))} gzip, ${kib(sum("css", "brotli"))} brotli`,
);
console.log(`    index.html: ${kib(bytes.html.raw)} raw, ${kib(bytes.html.gzip)} gzip`);
console.log(
	`    gzipped JS vs the 100 KiB budget: ${((sum("js", "gzip") / BUDGET_JS_GZIP) * 100).toFixed(0)} % (${sum("js", "gzip") <= BUDGET_JS_GZIP ? "within" : "OVER"})`,
);

const tti = await timeToInteractive();
const fmt = (s: ReturnType<typeof summary>) =>
	`median ${s.median.toFixed(0)} ms, p90 ${s.p90.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
console.log(
	`(b) navigation → interactive prompt box, headless Chromium, ${RUNS} loads each, wrangler dev on localhost`,
);
console.log(`    cold (empty cache):  ${fmt(tti.cold)}`);
console.log(`    warm (cached assets): ${fmt(tti.warm)}`);
console.log(`    warm / cold (median): ${(tti.warm.median / tti.cold.median).toFixed(2)}`);
