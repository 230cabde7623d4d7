/**
 * Codegen benchmarks (issue 3, point 8), measured side by side in one run
 * against the real Workers in `wrangler dev` (web + codegen + notion, one local
 * D1), with the fake OpenAI-compatible server as the model:
 *
 *  (a) requests/s of a pinned version (`<project>.localhost/v/1/`, through the
 *      gateway and codegen's Workers cache) vs the same bytes as a static asset
 *      of the web Worker; target ratio >= 0.8.
 *  (b) time to first delta through Kiln minus the fake upstream's own time to
 *      first token, measured by the same client; target <= 10 ms at the median.
 *      Over two paths, run by run: `wrangler dev` (whose proxy Worker, in a
 *      second workerd process, costs ~9 ms a round trip here) and the same
 *      three Workers in Miniflare with nothing in front, as deployed.
 *  (c) D1 queries per request (from `Server-Timing` and the generation log line):
 *      latest 1, pinned 0 once cached, generate <= 2.
 *
 * Rounds alternate between the two sides of each comparison so that machine
 * noise hits both alike. Nothing here is asserted: it prints figures.
 * `BENCH_SECONDS` (seconds of load per side in (a), default 8) and `BENCH_RUNS`
 * (time-to-first-delta samples, default 30) tune it; `BENCH_SMOKE=1` shrinks both.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../test/e2e/dev-server.ts";
import { createScenario, startFakeOpenAI } from "../test/fakes/openai.ts";
import { startKilnInMiniflare } from "./kiln-in-miniflare.ts";
import { size } from "./options.ts";

const root = path.resolve(import.meta.dirname, "..");
const wrangler = path.join(root, "node_modules/.bin/wrangler");
/** Total seconds of load per side in (a), split into short alternating rounds. */
const SECONDS = size("BENCH_SECONDS", 8, 1);
const ROUND_SECONDS = 0.5;
const PAIRS = Math.max(2, Math.round(SECONDS / ROUND_SECONDS));
const RUNS = size("BENCH_RUNS", 30, 2);
const CONCURRENCY = 8;
const STARTER_PROMPT = "Build me a calculator app";
const starterHtml = readFileSync(path.join(root, "workers/codegen/starters/calculator.html"), "utf8");

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Res {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

function request(
	port: number,
	opts: { path: string; host?: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<Res> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: "127.0.0.1",
				port,
				path: opts.path,
				method: opts.method ?? "GET",
				agent,
				headers: { host: opts.host ?? `localhost:${port}`, ...opts.headers },
			},
			(res) => {
				let body = "";
				res.setEncoding("utf8");
				res.on("data", (d) => (body += d));
				res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
			},
		);
		req.on("error", reject);
		req.end(opts.body);
	});
}

/** Time from sending a POST to the first chunk of the body that `isFirst` accepts. */
function timeToFirst(
	port: number,
	opts: { path: string; headers?: Record<string, string>; body: string },
	isFirst: (text: string) => boolean,
): Promise<{ ms: number; all: Promise<string> }> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		let got = false;
		let text = "";
		let finish: (s: string) => void;
		const all = new Promise<string>((r) => (finish = r));
		const req = http.request(
			{
				host: "127.0.0.1",
				port,
				path: opts.path,
				method: "POST",
				agent,
				headers: { host: `localhost:${port}`, "content-type": "application/json", ...opts.headers },
			},
			(res) => {
				res.setEncoding("utf8");
				res.on("data", (d: string) => {
					text += d;
					if (!got && isFirst(text)) {
						got = true;
						resolve({ ms: performance.now() - t0, all });
					}
				});
				res.on("end", () => {
					finish(text);
					if (!got) reject(new Error(`no first token in: ${text.slice(0, 300)}`));
				});
			},
		);
		req.on("error", reject);
		req.end(opts.body);
	});
}

/** Requests/s of a GET with CONCURRENCY clients for `seconds`. */
async function throughput(
	port: number,
	pathName: string,
	host: string,
	expectBody: string,
	seconds: number,
): Promise<number> {
	const until = performance.now() + seconds * 1000;
	let n = 0;
	const worker = async () => {
		while (performance.now() < until) {
			const r = await request(port, { path: pathName, host });
			if (r.status !== 200 || r.body !== expectBody) throw new Error(`GET ${host}${pathName} answered ${r.status}`);
			n++;
		}
	};
	const t0 = performance.now();
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return n / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const d1Of = (h: http.IncomingHttpHeaders) =>
	Number(/d1;desc="(\d+) quer/.exec(String(h["server-timing"] ?? ""))?.[1] ?? Number.NaN);

async function main() {
	const fake = await startFakeOpenAI();
	const work = mkdtempSync(path.join(tmpdir(), "kiln-bench-"));
	const stateDir = path.join(work, "state");
	const assetsDir = path.join(work, "assets");
	spawnSync("mkdir", ["-p", assetsDir]);
	// The static side of (a): the very bytes the pinned version will serve.
	writeFileSync(path.join(assetsDir, "bench.html"), starterHtml);
	// Settings as users set them. `--env-file` reaches only wrangler's first Worker (web), so they
	// go in wrangler's environment, which CLOUDFLARE_INCLUDE_PROCESS_ENV hands to every Worker.
	const settings = { LLM_BASE_URL: `${fake.url}/v1`, LLM_MODEL: "fake-model", LLM_API_KEY: "bench" };
	const keep = /^(PATH|HOME|USER|LANG|LC_[A-Z]+|TERM|TZ|TMPDIR|CLOUDFLARE_[A-Z_]+|WRANGLER_[A-Z_]+)$/;
	const devEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => keep.test(k)));
	// A port the system says is free, not a random guess: others may be running wrangler dev here.
	const port = await freePort();
	const mig = spawnSync(
		wrangler,
		["d1", "migrations", "apply", "kiln", "--local", "--persist-to", stateDir, "-c", "wrangler.toml"],
		{ cwd: root, encoding: "utf8" },
	);
	if (mig.status !== 0) throw new Error(mig.stderr);
	let out = "";
	const dev: ChildProcess = spawn(
		wrangler,
		[
			"dev",
			"-c",
			"wrangler.toml",
			"-c",
			"workers/codegen/wrangler.toml",
			"-c",
			"workers/notion/wrangler.toml",
			"--persist-to",
			stateDir,
			"--port",
			String(port),
			"--assets",
			assetsDir,
			"--show-interactive-dev-session=false",
			"--log-level",
			"log",
		],
		{
			cwd: root,
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
			env: {
				...devEnv,
				...settings,
				CLOUDFLARE_INCLUDE_PROCESS_ENV: "true",
				CLOUDFLARE_CF_FETCH_ENABLED: "false",
				WRANGLER_SEND_METRICS: "false",
			},
		},
	);
	dev.stdout?.on("data", (d) => (out += d));
	dev.stderr?.on("data", (d) => (out += d));
	const stop = () => {
		try {
			process.kill(-(dev.pid as number), "SIGKILL");
		} catch {}
	};
	process.on("exit", stop);
	try {
		const deadline = Date.now() + 90_000;
		for (;;) {
			try {
				if ((await request(port, { path: "/healthz" })).status === 200) break;
			} catch {}
			if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${out}`);
			await new Promise((r) => setTimeout(r, 300));
		}
		console.log(
			`wrangler dev on :${port} (web + codegen + notion, local D1), fake model at ${fake.url}; ${CONCURRENCY} concurrent clients, ${SECONDS} s of load per side in (a)`,
		);

		// A project whose version 1 is the calculator starter (so its bytes are known), and a v2 from the fake.
		let ip = 1;
		const client = () => ({ "cf-connecting-ip": `10.9.${Math.floor(ip / 250)}.${ip++ % 250}` });
		const created = await request(port, {
			path: "/api/generate",
			method: "POST",
			headers: { "content-type": "application/json", ...client() },
			body: JSON.stringify({ prompt: STARTER_PROMPT }),
		});
		const project = /"project":"([a-z0-9]+)"/.exec(created.body)?.[1] as string;
		const appHost = `${project}.localhost:${port}`;

		// ---- (c) D1 queries per request
		const latest = await request(port, { path: "/", host: appHost });
		const pinnedFirst = await request(port, { path: "/v/1/", host: appHost });
		await new Promise((r) => setTimeout(r, 200)); // the cache write is a waitUntil
		const pinnedCached = await request(port, { path: "/v/1/", host: appHost });
		if (pinnedCached.body !== starterHtml || latest.body !== starterHtml)
			throw new Error("served bytes differ from the starter");

		// ---- (a) pinned vs static: many short rounds in ABBA order, so load that drifts
		// (this machine is shared) hits both sides alike; the ratio is taken per pair.
		const pinnedRps: number[] = [];
		const staticRps: number[] = [];
		const pairRatios: number[] = [];
		await throughput(port, "/v/1/", appHost, starterHtml, 1); // warm-up
		await throughput(port, "/bench", `localhost:${port}`, starterHtml, 1);
		for (let pair = 0; pair < PAIRS; pair++) {
			const p = () => throughput(port, "/v/1/", appHost, starterHtml, ROUND_SECONDS);
			const st = () => throughput(port, "/bench", `localhost:${port}`, starterHtml, ROUND_SECONDS);
			const [a, b] = pair % 2 === 0 ? [await p(), await st()] : (([y, x]) => [x, y])([await st(), await p()]);
			pinnedRps.push(a);
			staticRps.push(b);
			pairRatios.push(a / b);
		}

		// ---- (b) time to first delta vs the fake's own time to first token, interleaved run by run
		// over two paths to the same Kiln code: `wrangler dev` (what `npm run dev` runs) and the
		// Workers in Miniflare without wrangler dev's proxy in front (as deployed: gateway -> codegen).
		const mf = await startKilnInMiniflare(settings);
		const mfCreated = await request(mf.port, {
			path: "/api/generate",
			method: "POST",
			headers: { "content-type": "application/json", ...client() },
			body: JSON.stringify({ prompt: STARTER_PROMPT }),
		});
		const measuredPath = (name: string, port: number, created: string) => ({
			name,
			port,
			project: /"project":"([a-z0-9]+)"/.exec(created)?.[1] as string,
			token: /"editToken":"([^"]+)"/.exec(created)?.[1] as string,
			ttfd: [] as number[],
			edit: [] as number[],
			start: [] as number[],
			noWork: [] as number[],
		});
		const paths = [
			measuredPath("npm run dev (wrangler dev)", port, created.body),
			measuredPath("Workers alone (Miniflare), as deployed", mf.port, mfCreated.body),
		];
		const s = await createScenario(fake.url, { default: { firstTokenDelayMs: 20, chunkDelayMs: 1 } });
		const upstreamBody = (i: number) =>
			JSON.stringify({
				model: "fake-model",
				stream: true,
				messages: [{ role: "user", content: `bench ${i} ${s.marker}` }],
			});
		const firstContent = (t: string) => /"content":"[^"]/.test(t);
		const firstDelta = (t: string) => t.includes("event: delta");
		const direct: number[] = [];
		for (let i = 0; i < RUNS + 3; i++) {
			const d = await timeToFirst(fake.port, { path: "/v1/chat/completions", body: upstreamBody(i) }, firstContent);
			await d.all;
			for (const p of paths) {
				const k0 = performance.now();
				let startAt = 0;
				const k = await timeToFirst(
					p.port,
					{ path: "/api/generate", headers: client(), body: JSON.stringify({ prompt: `bench ${i} ${s.marker}` }) },
					(t) => {
						if (!startAt && t.includes("event: start")) startAt = performance.now() - k0;
						return firstDelta(t);
					},
				);
				const kText = await k.all;
				if (!kText.includes("event: done")) throw new Error(`generation failed: ${kText.slice(-300)}`);
				const e = await timeToFirst(
					p.port,
					{
						path: "/api/generate",
						headers: { ...client(), authorization: `Bearer ${p.token}` },
						body: JSON.stringify({ prompt: `edit ${i} ${s.marker}`, project: p.project, fromVersion: 1 }),
					},
					firstDelta,
				);
				await e.all;
				// A request through the same path that does no work: that path's own round trip.
				const t0 = performance.now();
				await request(p.port, { path: "/_kiln/db.js" });
				const noWork = performance.now() - t0;
				if (i >= 3) {
					// the first runs warm up connections and isolates
					p.ttfd.push(k.ms - d.ms);
					p.edit.push(e.ms - d.ms);
					p.start.push(startAt);
					p.noWork.push(noWork);
				}
			}
			if (i >= 3) direct.push(d.ms);
		}
		await mf.dispose();
		await new Promise((r) => setTimeout(r, 300));
		const genLogs = [...out.matchAll(/\{"event":"generation"[^\n]*\}/g)].map(
			(m) =>
				JSON.parse(m[0]) as {
					outcome: string;
					d1Queries: number;
					version: number;
					provider: string;
					ttftMs: number;
					beforeModelMs: number;
				},
		);
		const newGen = genLogs.filter((l) => l.outcome === "done" && l.version === 1 && l.provider !== "starter");
		const editGen = genLogs.filter((l) => l.outcome === "done" && l.version > 1);

		// ---- report
		const ratio = median(pairRatios);
		const f = (n: number) => n.toFixed(1);
		console.log("\n(a) serving the same bytes (%d B)", Buffer.byteLength(starterHtml));
		const range = (xs: number[]) =>
			`median ${f(median(xs))} req/s (range ${f(Math.min(...xs))}..${f(Math.max(...xs))})`;
		console.log(`    pinned version  <project>.localhost/v/1/  ${range(pinnedRps)}`);
		console.log(`    static asset    localhost/bench           ${range(staticRps)}`);
		console.log(
			`    ratio pinned/static, median of ${pairRatios.length} side-by-side pairs = ${ratio.toFixed(2)}   (target >= 0.8) ${ratio >= 0.8 ? "MET" : "NOT MET"}`,
		);
		console.log(
			`\n(b) time to first delta through Kiln minus the fake upstream's own time to first token (${f(median(direct))} ms directly), ${direct.length} interleaved runs, medians`,
		);
		for (const p of paths) {
			const overhead = median(p.ttfd);
			console.log(`    ${p.name}`);
			console.log(
				`      new project   overhead ${f(overhead)} ms (target <= 10) ${overhead <= 10 ? "MET" : "NOT MET"}; edit of v1 ${f(median(p.edit))} ms`,
			);
			console.log(
				`      the start event (sent before the model is called) arrives after ${f(median(p.start))} ms; a GET that does no work takes ${f(median(p.noWork))} ms on this path`,
			);
		}
		const measured = newGen.slice(-direct.length);
		console.log(
			`    (npm run dev, codegen's own log: request in -> model called ${f(median(measured.map((l) => l.beforeModelMs)))} ms, -> first token in ${f(median(measured.map((l) => l.ttftMs)))} ms; Workers' clocks tick in whole ms)`,
		);
		console.log("\n(c) D1 queries per request");
		console.log(`    latest  (GET /)              ${d1Of(latest.headers)}   (target 1)`);
		console.log(`    pinned, first hit            ${d1Of(pinnedFirst.headers)}`);
		console.log(
			`    pinned, cached               ${d1Of(pinnedCached.headers)}   (target 0; served from ${/cache;desc="(\w+)"/.exec(String(pinnedCached.headers["server-timing"]))?.[1] ?? "D1"})`,
		);
		console.log(
			`    generate, new project        ${[...new Set(newGen.map((l) => l.d1Queries))].join(", ")}   (target <= 2; ${newGen.length} generations)`,
		);
		console.log(
			`    generate, edit               ${[...new Set(editGen.map((l) => l.d1Queries))].join(", ")}   (target <= 2; ${editGen.length} generations)`,
		);
	} finally {
		stop();
		await fake.close();
		agent.destroy();
		rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(err) => {
		console.error(err);
		process.exit(1);
	},
);
