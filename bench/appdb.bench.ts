/**
 * An app's own SQL database (issue 14) and its document store, from an app's
 * server, on Kiln's three Workers in one Miniflare (bench/kiln-in-miniflare.ts),
 * the fake model writing one app whose Hono server has these routes:
 *
 *   /api/none        answers at once: the floor (gateway, codegen, sandbox)
 *   /api/sql         one SELECT on env.DB: AppSql -> the project's SQLite Durable Object
 *   /api/doc         one env.db.get: AppData -> the same object's document table
 *   /api/sql-write, /api/doc-write   one INSERT on env.DB vs one env.db.put (which also
 *                    asks D1 that the project exists)
 *
 * Requests go one at a time, the sides taking turns, so noise hits all of
 * them; it prints each side's median ms and the median minus the floor (what
 * the query itself cost, seen from the app). Locally D1 is SQLite on the same
 * disk and the object is in the same process, so this compares Kiln's paths
 * to each, not Cloudflare's network. Sizes: `BENCH_QUERIES` samples per
 * route (default 400; a smoke run 10).
 */
import http from "node:http";
import { createScenario, startFakeOpenAI } from "../test/fakes/openai.ts";
import { hostRequest } from "./http.ts";
import { startKilnInMiniflare } from "./kiln-in-miniflare.ts";
import { size } from "./options.ts";

const QUERIES = Math.max(1, size("BENCH_QUERIES", 400, 10));
const ROUTES = ["none", "sql", "doc", "sql-write", "doc-write"] as const;

const SERVER = `import { Hono } from "hono";
const app = new Hono();
app.post("/api/setup", async (c) => {
	await c.env.DB.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY, v TEXT)");
	await c.env.DB.prepare("INSERT OR REPLACE INTO kv VALUES ('a', 'hello')").run();
	await c.env.db.put("kv", "a", "hello");
	return c.json({ ok: true });
});
app.get("/api/none", (c) => c.json("hello"));
app.get("/api/sql", async (c) => c.json(await c.env.DB.prepare("SELECT v FROM kv WHERE k = ?").bind("a").first("v")));
app.get("/api/doc", async (c) => c.json(await c.env.db.get("kv", "a")));
app.get("/api/sql-write", async (c) => c.json((await c.env.DB.prepare("INSERT INTO log (v) VALUES (?)").bind("x").run()).meta.changes));
app.get("/api/doc-write", async (c) => c.json((await c.env.db.put("log", crypto.randomUUID(), "x")).key.length > 0 ? 1 : 0));
export default app;`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function request(port: number, host: string, method: string, pathName: string) {
	return hostRequest(agent, port, host, pathName, method);
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f2 = (x: number) => x.toFixed(2);

async function main() {
	const fake = await startFakeOpenAI();
	const roomy = (namespace_id: string) => ({ namespace_id, simple: { limit: 10_000_000, period: 60 as const } });
	const kiln = await startKilnInMiniflare(
		{ LLM_BASE_URL: `${fake.url}/v1`, LLM_MODEL: "fake-model", LLM_API_KEY: "bench" },
		{ codegen: { ratelimits: { GENERATE_LIMITER: roomy("3001"), DATA_LIMITER: roomy("3002") } } },
	);
	try {
		const port = kiln.port;
		const text = `- a bench app\n\n\`\`\`html index.html\n<!DOCTYPE html><html><body>bench</body></html>\n\`\`\`\n\n\`\`\`js server.js\n${SERVER}\n\`\`\`\n`;
		const s = await createScenario(fake.url, { replies: [{ text }] });
		const res = await fetch(`http://127.0.0.1:${port}/api/generate`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `bench ${s.marker}` }),
		});
		const stream = await res.text();
		const project = /"project":"([a-z0-9]+)"/.exec(stream)?.[1];
		if (!project || !stream.includes("event: done")) throw new Error(`generation failed: ${stream.slice(-300)}`);
		const host = `${project}.localhost:${port}`;
		const setup = await request(port, host, "POST", "/api/setup");
		if (setup.status !== 200) throw new Error(`setup answered ${setup.status}: ${setup.body}`);

		const times: Record<string, number[]> = Object.fromEntries(ROUTES.map((r) => [r, []]));
		// A few of each first, unmeasured: the isolate, the object and D1 are warm before timing.
		for (let i = 0; i < QUERIES + 5; i++) {
			for (const route of i % 2 ? [...ROUTES].reverse() : ROUTES) {
				const t0 = performance.now();
				const r = await request(port, host, "GET", `/api/${route}`);
				const ms = performance.now() - t0;
				if (r.status !== 200) throw new Error(`/api/${route} answered ${r.status}: ${r.body}`);
				if (i >= 5) times[route].push(ms);
			}
		}
		const floor = median(times.none);
		console.log(`\nOne app's server, ${QUERIES} requests per route, one at a time, the routes taking turns.`);
		console.log(`Median ms per request, and minus the no-query floor (${f2(floor)} ms):`);
		const line = (label: string, route: string) => {
			const m = median(times[route]);
			console.log(`  ${label.padEnd(38)} ${f2(m).padStart(7)} ms   query ${f2(m - floor).padStart(6)} ms`);
		};
		line("read:  one per-app SQL query (env.DB)", "sql");
		line("read:  one document (env.db.get)", "doc");
		line("write: one per-app SQL INSERT (env.DB)", "sql-write");
		line("write: one document (env.db.put)", "doc-write");
		const ratio = (a: string, b: string) => (median(times[a]) - floor) / (median(times[b]) - floor);
		console.log(
			`  document / SQL, query cost: read ${f2(ratio("doc", "sql"))}, write ${f2(ratio("doc-write", "sql-write"))}`,
		);
	} finally {
		await kiln.dispose();
		await fake.close();
		agent.destroy();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
