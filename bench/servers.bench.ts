/**
 * Apps' server code (issue 13), measured on Kiln's three Workers in one
 * Miniflare (bench/kiln-in-miniflare.ts: gateway -> codegen -> the app's
 * Dynamic Worker, as deployed, no `wrangler dev` proxy in front), with the fake
 * OpenAI-compatible server writing the apps:
 *
 *  (a) requests/s of a warm app server answering a page's bytes
 *      (`<project>.localhost/v/1/api/page`) vs the same bytes as the version's
 *      own page (`/v/1/`, served from codegen's memory); target ratio >= 0.5.
 *      Short rounds alternate between the two sides, so noise hits both.
 *      Twice: without the APP_LIMITER binding (Kiln's own cost), and with it.
 *      Locally that binding is Miniflare's simulation, a Durable Object that
 *      writes SQLite on every `limit()` call and serializes them; Cloudflare's
 *      counters are per location and not that, so the first figure is the one
 *      that describes Kiln, the second what `npm run dev` feels like.
 *  (b) the first request to a version's server (a cold isolate: a new loader
 *      id, Hono and the app compiled) vs the next ones (warm), median ms, and
 *      the difference; target <= 50 ms here.
 *  (c) workerd's resident memory (VmRSS of Miniflare's workerd process) before
 *      any app's server ran, after `BENCH_APPS` apps were generated (each
 *      checked once in a throwaway sandbox), and after each of them served a
 *      request (a warm isolate per app, as far as the loader keeps them).
 *
 * Nothing is asserted: it prints figures. Sizes: `BENCH_APPS` (distinct apps,
 * default 200), `BENCH_RUNS` (cold/warm samples, default 30, at most
 * BENCH_APPS), `BENCH_SECONDS` (seconds of load per side in (a), default 6).
 * A smoke run (`--smoke`, as CI does) uses 4 apps, 2 samples and 1 s.
 */
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { createScenario, startFakeOpenAI } from "../test/fakes/openai.ts";
import { hostRequest } from "./http.ts";
import { startKilnInMiniflare } from "./kiln-in-miniflare.ts";
import { size } from "./options.ts";

const root = path.resolve(import.meta.dirname, "..");
const APPS = Math.max(1, size("BENCH_APPS", 200, 4));
const RUNS = Math.min(APPS, Math.max(1, size("BENCH_RUNS", 30, 2)));
const SECONDS = size("BENCH_SECONDS", 6, 1);
const ROUND_SECONDS = 0.5;
const PAIRS = Math.max(2, Math.round(SECONDS / ROUND_SECONDS));
const CONCURRENCY = 8;
const WARM_SAMPLES = 5;
/** The bytes both sides of (a) serve: a real page (the calculator starter, ~2 KB). */
// (Without its last newline: a fenced block's body ends before the newline that closes it.)
const PAGE = readFileSync(path.join(root, "workers/codegen/starters/calculator.html"), "utf8").trimEnd();

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(port: number, host: string, pathName: string): Promise<{ status: number; body: string }> {
	return hostRequest(agent, port, host, pathName);
}

async function post(port: number, pathName: string, json: unknown): Promise<string> {
	const res = await fetch(`http://127.0.0.1:${port}${pathName}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(json),
	});
	return res.text();
}

/** A Hono app whose GET /api/page answers PAGE; `n` makes each app's module (and loader id) distinct. */
function serverModule(n: number): string {
	return `import { Hono } from "hono";
// app ${n}
const PAGE = ${JSON.stringify(PAGE)};
const app = new Hono();
app.get("/api/page", (c) => c.html(PAGE));
export default app;`;
}

/** A new project through POST /api/generate, the fake model writing PAGE and server n. */
async function newApp(port: number, fakeUrl: string, n: number): Promise<string> {
	const text = `- a page and its server\n\n\`\`\`html index.html\n${PAGE}\n\`\`\`\n\n\`\`\`js server.js\n${serverModule(n)}\n\`\`\`\n`;
	const s = await createScenario(fakeUrl, { replies: [{ text }] });
	const stream = await post(port, "/api/generate", { prompt: `bench app ${n} ${s.marker}` });
	const project = /"project":"([a-z0-9]+)"/.exec(stream)?.[1];
	if (!project || !stream.includes("event: done")) throw new Error(`generation ${n} failed: ${stream.slice(-300)}`);
	return project;
}

const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
	const t0 = performance.now();
	const out = await fn();
	return [performance.now() - t0, out];
};

async function throughput(port: number, host: string, pathName: string, seconds: number): Promise<number> {
	const until = performance.now() + seconds * 1000;
	let n = 0;
	const client = async () => {
		while (performance.now() < until) {
			const r = await get(port, host, pathName);
			if (r.status !== 200 || r.body !== PAGE) throw new Error(`GET ${host}${pathName} answered ${r.status}`);
			n++;
		}
	};
	const t0 = performance.now();
	await Promise.all(Array.from({ length: CONCURRENCY }, client));
	return n / ((performance.now() - t0) / 1000);
}

/** Resident memory (MiB) of this process's workerd children (Miniflare's runtime). */
function workerdRssMiB(): number {
	let kib = 0;
	for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
		try {
			const status = readFileSync(`/proc/${pid}/status`, "utf8");
			const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
			if (ppid !== process.pid || !/^Name:\s+workerd/m.test(status)) continue;
			kib += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
		} catch {
			// The process went away while we looked.
		}
	}
	return kib / 1024;
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x: number) => x.toFixed(1);

const roomy = (namespace_id: string) => ({ namespace_id, simple: { limit: 10_000_000, period: 60 as const } });

/** Kiln in Miniflare with limits that load does not reach; `appLimiter: false` leaves APP_LIMITER out (no limit). */
function startKiln(fakeUrl: string, appLimiter: boolean) {
	return startKilnInMiniflare(
		{ LLM_BASE_URL: `${fakeUrl}/v1`, LLM_MODEL: "fake-model", LLM_API_KEY: "bench" },
		{
			codegen: {
				ratelimits: {
					GENERATE_LIMITER: roomy("3001"),
					DATA_LIMITER: roomy("3002"),
					...(appLimiter ? { APP_LIMITER: roomy("3003") } : {}),
				},
			},
		},
	);
}

/** (a): alternating rounds of a warm server and its own pinned page, the same bytes. */
async function serverVsPage(port: number, project: string) {
	const host = `${project}.localhost:${port}`;
	const pinned = await get(port, host, "/v/1/");
	if (pinned.body !== PAGE) throw new Error("the pinned page is not the bytes the server answers");
	await get(port, host, "/v/1/api/page");
	const ratios: number[] = [];
	const serverRps: number[] = [];
	const pageRps: number[] = [];
	for (let i = 0; i < PAIRS; i++) {
		// Alternate which side goes first, so a drift in the machine hits both.
		const order = i % 2 ? (["page", "server"] as const) : (["server", "page"] as const);
		const got: Record<string, number> = {};
		for (const side of order) {
			got[side] = await throughput(port, host, side === "server" ? "/v/1/api/page" : "/v/1/", ROUND_SECONDS);
		}
		serverRps.push(got.server);
		pageRps.push(got.page);
		ratios.push(got.server / got.page);
	}
	const server = median(serverRps);
	const page = median(pageRps);
	return { server, page, ratio: median(ratios), ofMedians: server / page };
}

async function main() {
	const fake = await startFakeOpenAI();
	const kiln = await startKiln(fake.url, false);
	let limited: Awaited<ReturnType<typeof startKiln>> | undefined;
	try {
		const port = kiln.port;
		const hostOf = (project: string) => `${project}.localhost:${port}`;
		// The gateway answered once: the runtime is up, no app's server has run.
		await get(port, `localhost:${port}`, "/healthz");
		const rssStart = workerdRssMiB();

		console.log(`generating ${APPS} apps, each a page and a Hono server (checked once at generation)...`);
		const projects: string[] = [];
		for (let i = 0; i < APPS; i++) projects.push(await newApp(port, fake.url, i));
		const rssGenerated = workerdRssMiB();

		// (b) cold vs warm: the first request to each of RUNS versions, then WARM_SAMPLES more.
		const cold: number[] = [];
		const warm: number[] = [];
		for (const p of projects.slice(0, RUNS)) {
			const [ms, first] = await timed(() => get(port, hostOf(p), "/v/1/api/page"));
			if (first.status !== 200 || first.body !== PAGE) throw new Error(`app ${p} answered ${first.status}`);
			cold.push(ms);
			const again: number[] = [];
			for (let i = 0; i < WARM_SAMPLES; i++) again.push((await timed(() => get(port, hostOf(p), "/v/1/api/page")))[0]);
			warm.push(median(again));
		}
		// (c) every other app's server warmed once.
		for (const p of projects.slice(RUNS)) {
			const r = await get(port, hostOf(p), "/v/1/api/page");
			if (r.status !== 200) throw new Error(`app ${p} answered ${r.status}`);
		}
		const rssWarmed = workerdRssMiB();

		// (a) one warm app: its server vs its own pinned page; then the same with the local rate limiter.
		const own = await serverVsPage(port, projects[0]);
		await kiln.dispose();
		limited = await startKiln(fake.url, true);
		const withLimiter = await serverVsPage(limited.port, await newApp(limited.port, fake.url, APPS));

		console.log(`\n(a) warm server vs the version's page, same ${PAGE.length} bytes, ${CONCURRENCY} clients,`);
		console.log(`    ${PAIRS} alternating rounds of ${ROUND_SECONDS} s each side; median rates, their ratio,`);
		console.log(`    and in brackets the median of the per-round ratios:`);
		console.log(
			`    Kiln's own path:        server ${f1(own.server)} req/s, page ${f1(own.page)} req/s, ratio ${own.ofMedians.toFixed(2)} (per round ${own.ratio.toFixed(2)})   target >= 0.5`,
		);
		console.log(
			`    with the local limiter: server ${f1(withLimiter.server)} req/s, page ${f1(withLimiter.page)} req/s, ratio ${withLimiter.ofMedians.toFixed(2)} (per round ${withLimiter.ratio.toFixed(2)})`,
		);
		console.log(`\n(b) ${RUNS} versions: first request (cold isolate) vs warm (median of ${WARM_SAMPLES} after it):`);
		console.log(`    cold median ${f1(median(cold))} ms, warm median ${f1(median(warm))} ms`);
		console.log(`    cold - warm ${f1(median(cold) - median(warm))} ms   target <= 50 ms`);
		console.log(`\n(c) workerd resident memory (VmRSS):`);
		console.log(`    at start ${f1(rssStart)} MiB; after generating ${APPS} apps ${f1(rssGenerated)} MiB;`);
		console.log(`    after all ${APPS} apps' servers warmed ${f1(rssWarmed)} MiB`);
		console.log(
			`    warmed servers: +${f1(rssWarmed - rssGenerated)} MiB, ${f1(((rssWarmed - rssGenerated) * 1024) / APPS)} KiB per app`,
		);
	} finally {
		await kiln.dispose().catch(() => {});
		await limited?.dispose();
		await fake.close();
		agent.destroy();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
