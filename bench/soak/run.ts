/**
 * `npm run soak`: Kiln under a long, randomized, mixed load with faults
 * injected, then checked against invariants (issue 19). Not part of `npm test`.
 *
 *     npm run soak -- --minutes 10 --seed 42          (defaults: 10 minutes, a random seed)
 *     npm run soak -- --faults model_429,kill         (only these faults; `none`, or `all`, the default)
 *     npm run soak -- --check .wrangler/soak/<run>/history.json   (check a recorded run again)
 *
 * Kiln runs as deployed (the three Workers with their real bindings, in
 * Miniflare, state persisted on disk) in a child process that is SIGKILLed
 * and restarted; the fake model and the fake Notion stand for the peers.
 * Everything is driven through Kiln's public HTTP surface. The run ends with
 * a drain (no load, no faults, the cron fired) so that every accepted Notion
 * event can settle, reads everything back, and checks (check.ts). The seed
 * fixes every choice and the fault schedule; it is printed with the command
 * that replays it. Each run's files are kept in .wrangler/soak/<seed>-<time>/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { FAKE_TOKEN, type FakeNotion, startFakeNotion } from "../../test/fakes/notion.ts";
import { type FakeOpenAI, setDefaultReply, startFakeOpenAI } from "../../test/fakes/openai.ts";
import { type FakeSites, startFakeSites } from "../../test/fakes/sites.ts";
import { check } from "./check.ts";
import { request } from "./client.ts";
import {
	ALL_FAULTS,
	MODEL_BASELINE,
	modelReply,
	notionFault,
	type PlannedFault,
	planFaults,
	warmUpMs,
} from "./faults.ts";
import type { FaultKind, FaultWindow, FinalState, History, NotionBlock, Op, StoredVersion } from "./history.ts";
import { KilnProcess } from "./kiln.ts";
import { type Rng, rng } from "./prng.ts";
import { figures, printFigures, printInvariants } from "./report.ts";
import { Recorder, type SeededPage, title, uuid, Workload } from "./workload.ts";

const root = path.resolve(import.meta.dirname, "../..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const SECRETS = {
	webhook: "soak-webhook-secret",
	verification: "secret_soak_verification_token",
	operator: "soak-operator-token",
};
const operator = { authorization: `Bearer ${SECRETS.operator}` };
/**
 * Shorter than the defaults so a short run settles: a lost queue message is
 * re-queued after 10 s; a run the kill cut short after 60 s, well past the
 * longest live run under this load (a burst waits its turn at the rate
 * limiter, three requests a second, for about 20 s).
 */
const PENDING_STUCK_MS = 10_000;
const RUNNING_STUCK_MS = 60_000;
/** How often the soak fires the notion Worker's cron (deployed: every 10 minutes). */
const CRON_EVERY_MS = 10_000;

const { values: args } = parseArgs({
	options: {
		minutes: { type: "string", default: "10" },
		seed: { type: "string" },
		faults: { type: "string", default: "all" },
		clients: { type: "string", default: "6" },
		check: { type: "string" },
	},
});

if (args.check) {
	const h = JSON.parse(readFileSync(args.check, "utf8")) as History;
	const results = check(h);
	if (h.loadStartedAt) printFigures(figures(h));
	printInvariants(results);
	process.exit(results.every((r) => r.ok) ? 0 : 1);
}

const minutes = Number(args.minutes);
const seed = args.seed !== undefined ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
const clients = Number(args.clients);
const enabled = new Set<FaultKind>(
	args.faults === "all" ? ALL_FAULTS : args.faults === "none" ? [] : (args.faults.split(",") as FaultKind[]),
);
for (const k of enabled)
	if (!ALL_FAULTS.includes(k)) throw new Error(`unknown fault ${k} (known: ${ALL_FAULTS.join(", ")})`);
if (!(minutes > 0) || !Number.isInteger(seed) || !(clients > 0))
	throw new Error("--minutes, --seed and --clients must be numbers");

const replay = `npm run soak -- --minutes ${minutes} --seed ${seed}${args.faults === "all" ? "" : ` --faults ${args.faults}`}`;
console.log(`soak: seed ${seed}, ${minutes} min of load, faults: ${[...enabled].join(", ") || "none"}`);
console.log(`soak: replay with: ${replay}`);

const loadMs = minutes * 60_000;
const outDir = path.join(root, ".wrangler/soak", `${seed}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
mkdirSync(outDir, { recursive: true });
const stateDir = mkdtempSync(path.join(os.tmpdir(), "kiln-soak-"));

let model: FakeOpenAI | undefined;
let notion: FakeNotion | undefined;
let sites: FakeSites | undefined;
let kiln: KilnProcess | undefined;
const cleanUp = async () => {
	await kiln?.stop().catch(() => kiln?.kill());
	await Promise.all([model?.close(), notion?.close(), sites?.close()]);
	rmSync(stateDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.on(signal, () => void cleanUp().finally(() => process.exit(130)));
}

let status = 1;
try {
	status = await soak();
} finally {
	await cleanUp();
}
process.exit(status);

async function soak(): Promise<number> {
	model = await startFakeOpenAI();
	notion = await startFakeNotion();
	sites = await startFakeSites();
	await setDefaultReply(model.url, MODEL_BASELINE);
	const allowed = Object.entries(sites.origins)
		.filter(([name]) => !["internal", "toInternal", "stall"].includes(name))
		.map(([, origin]) => origin);
	const settings = {
		LLM_BASE_URL: `${model.url}/v1`,
		LLM_MODEL: "fake-model",
		LLM_API_KEY: "sk-soak-fake",
		// Above the AI SDK's first retry delay (2 s): a shorter idle timer fires while a retry waits.
		LLM_IDLE_TIMEOUT_MS: "3000",
		NOTION_TOKEN: FAKE_TOKEN,
		NOTION_API_BASE_URL: notion.url,
		NOTION_WEBHOOK_SECRET: SECRETS.webhook,
		NOTION_VERIFICATION_TOKEN: SECRETS.verification,
		KILN_OPERATOR_TOKEN: SECRETS.operator,
		NOTION_TIMEOUT_MS: "2000",
		FAVICON_TIMEOUT_MS: "1000",
		NOTION_PENDING_STUCK_MS: String(PENDING_STUCK_MS),
		NOTION_RUNNING_STUCK_MS: String(RUNNING_STUCK_MS),
		OUTBOUND_ALLOW_ORIGINS: allowed.join(","),
	};
	const k = new KilnProcess({ persistPath: stateDir, port: 0, settings }, path.join(outDir, "kiln.log"));
	kiln = k;
	console.log("soak: bundling the Workers and starting Kiln...");
	await k.start(true);
	const startedAt = Date.now();

	const random = rng(seed);
	const pages = await seedNotion(notion, random.fork("pages"), allowed);
	const rec = new Recorder(path.join(outDir, "ops.jsonl"));
	const w = new Workload(rec, () => k.port, model.url, pages, SECRETS);

	// Setup: the apps whose stores the load reads and writes (a bounded set, so keys collide).
	const setup = random.fork("setup");
	for (const sqlApp of [true, true, false, false, false, false]) {
		for (let attempt = 0; attempt < 5; attempt++) {
			const op = await w.newApp(setup, { sqlApp });
			if (op.outcome === "ok" && op.project) {
				if (!sqlApp) w.dataApps.push(op.project);
				break;
			}
		}
	}
	if (w.sqlApps.length < 2 || w.dataApps.length < 4) throw new Error("setup: could not create the apps the load uses");

	const loadStart = Date.now();
	const loadEnd = loadStart + loadMs;
	const plan = planFaults(random.fork("faults"), loadMs, enabled);
	const kills = plan.filter((f) => f.kind === "kill").length;
	console.log(
		`soak: load for ${minutes} min with ${clients} clients; ${plan.length} faults planned (${kills} kill${kills === 1 ? "" : "s"})`,
	);
	const faults: FaultWindow[] = [];
	const memory: FinalState["memory"] = { warmKiB: null, endKiB: null, samples: [] };

	const inject = async (f: PlannedFault) => {
		await sleep(loadStart + f.at - Date.now());
		if (Date.now() >= loadEnd) return;
		const start = Date.now();
		if (f.kind.startsWith("model_")) {
			await setDefaultReply(model?.url as string, modelReply(f.kind));
			await sleep(f.durationMs);
			await setDefaultReply(model?.url as string, MODEL_BASELINE);
			faults.push({ kind: f.kind, start, end: Date.now() });
		} else if (f.kind === "notion_not_found") {
			faults.push({ kind: f.kind, start, end: start, detail: await trashACallout(notion as FakeNotion, pages, f) });
		} else if (f.kind === "kill") {
			await k.kill();
			console.log(`soak: killed Kiln at t+${((start - loadStart) / 1000).toFixed(0)}s; starting it again`);
			await k.start(false);
			faults.push({ kind: "kill", start, end: Date.now() });
		} else {
			const fault = notionFault(f);
			await fetch(`${notion?.url}/__fake/faults`, { method: "POST", body: JSON.stringify({ faults: [fault] }) });
			faults.push({ kind: f.kind, start, end: start, detail: JSON.stringify(fault) });
		}
	};

	const client = async (r: Rng) => {
		while (Date.now() < loadEnd) {
			const op = await oneOperation(w, r);
			await sleep(op === "no answer" ? r.int(200, 500) : r.int(20, 200));
		}
	};
	const notionClient = async (r: Rng) => {
		while (Date.now() < loadEnd) {
			await sleep(r.int(400, 2000));
			const x = r.next();
			if (x < 0.55) await w.automation(r);
			else if (x < 0.75) await w.duplicate(r);
			else if (x < 0.92) await w.integration(r);
			else if (x < 0.96) await w.deleteAndRestore(r, notion?.url as string);
			else await w.automation(r, { unknownPage: true });
		}
	};
	/** Notion's bursts: many deliveries at once, several for the same page and route. */
	const bursts = async (r: Rng) => {
		for (;;) {
			await sleep(Math.min(r.int(15_000, 30_000), loadMs / 3));
			if (Date.now() >= loadEnd) return;
			const few = [r.pick(pages), r.pick(pages), r.pick(pages)];
			await Promise.all(Array.from({ length: r.int(8, 20) }, () => w.automation(r, { page: r.pick(few) })));
		}
	};
	const cron = async () => {
		while (Date.now() < loadEnd) {
			await sleep(CRON_EVERY_MS);
			await fireCron(k);
		}
	};
	/** After the last restart: a burst of cheap requests (recorded and checked like any), then the warm reading. */
	const measure = async (r: Rng) => {
		while (faults.filter((f) => f.kind === "kill").length < kills) await sleep(500);
		await sleep(2000);
		const burstEnd = Date.now() + warmUpMs(loadMs);
		await Promise.all(
			Array.from({ length: 16 }, async () => {
				while (Date.now() < burstEnd && Date.now() < loadEnd) {
					// Not the apps' servers: 16 clients would spend their limit (600 a minute) for the load.
					const x = r.next();
					const project = r.pick(w.projects);
					const op =
						x < 0.4 ? await w.page(r, project, false) : x < 0.8 ? await w.page(r, project, true) : await w.dataGet(r);
					if (op.network) await sleep(200);
				}
			}),
		);
		memory.warmKiB = await rssMedian(k);
		memory.warmAt = Date.now() - loadStart;
	};
	const sample = async () => {
		while (Date.now() < loadEnd) {
			const kib = k.rssKiB();
			if (kib !== null) memory.samples?.push([Date.now() - loadStart, kib]);
			await sleep(5000);
		}
	};

	await Promise.all([
		...plan.map(inject),
		...Array.from({ length: clients }, (_, i) => client(random.fork(`client${i}`))),
		notionClient(random.fork("notion")),
		bursts(random.fork("bursts")),
		cron(),
		measure(random.fork("warm-up")),
		sample(),
	]);
	const loadEndedAt = Date.now();
	memory.endKiB = await rssMedian(k);
	console.log("soak: load over; draining (no faults, the cron fired) until every accepted Notion event settles");

	// Drain: no faults; the cron re-queues what a kill lost.
	await setDefaultReply(model.url, MODEL_BASELINE);
	await fetch(`${notion.url}/__fake/faults/clear`, { method: "POST" });
	const drainDeadline = Date.now() + RUNNING_STUCK_MS + 60_000;
	const accepted = [...new Set(rec.ops.filter((o) => o.event && o.outcome === "ok").map((o) => o.event as string))];
	const notionEvents: FinalState["notionEvents"] = {};
	let unsettled = accepted;
	for (;;) {
		await fireCron(k);
		if ((await eventsWith(k, "pending")) + (await eventsWith(k, "running")) === 0) {
			for (const id of unsettled) notionEvents[id] = await readEvent(k, id);
			unsettled = unsettled.filter((id) => !["done", "failed", "ignored"].includes(notionEvents[id]?.status ?? ""));
			if (unsettled.length === 0) break;
		}
		if (Date.now() > drainDeadline) break;
		await sleep(3000);
	}
	for (const id of unsettled) notionEvents[id] = await readEvent(k, id);

	// The state at the end, read through the public and operator APIs and the fakes' own records.
	const readBack = random.fork("read-back");
	const store: FinalState["store"] = {};
	for (const key of new Set(rec.ops.filter((o) => o.key).map((o) => o.key as string))) {
		const op = await w.readBack(readBack, key);
		store[key] = { status: op.status ?? 0, value: op.value ?? null };
	}
	const projects: FinalState["projects"] = {};
	for (const [id, info] of w.known) projects[id] = { ...(await readProject(k, id)), ...info };
	const notionPages: FinalState["notionPages"] = {};
	for (const p of pages) notionPages[p.id] = await blocksOf(notion, p.id);
	const endedAt = Date.now();

	const history: History = {
		seed,
		startedAt,
		loadStartedAt: loadStart,
		loadEndedAt,
		endedAt,
		ops: rec.ops,
		faults: faults.sort((a, b) => a.start - b.start),
		logs: k.logs,
		final: {
			projects,
			store,
			notionEvents,
			notionPages,
			notionCalls: notion.calls.map((c) => ({ at: c.at, method: c.method, path: c.path, status: c.status })),
			memory,
		},
	};
	writeFileSync(path.join(outDir, "history.json"), JSON.stringify(history));
	const results = check(history);
	const f = figures(history);
	printFigures(f);
	printInvariants(results);
	writeFileSync(path.join(outDir, "report.json"), JSON.stringify({ seed, minutes, figures: f, results }, null, 2));
	const failed = results.filter((r) => !r.ok);
	console.log(`\nsoak: files in ${path.relative(root, outDir)}`);
	if (failed.length) {
		console.log(`soak: ${failed.length} of ${results.length} invariants FAILED; replay with: ${replay}`);
		return 1;
	}
	console.log(`soak: all ${results.length} invariants held (seed ${seed}, ${f.ops} requests, ${minutes} min)`);
	return 0;
}

/** One client operation, picked by weight. */
async function oneOperation(w: Workload, r: Rng): Promise<"done" | "no answer"> {
	const weights: [string, number][] = [
		["new", 5],
		["edit", 6],
		["concurrent", 1.5],
		["hang_up", 2],
		["remix", 1.5],
		["latest", 8],
		["pinned", 8],
		["data_put", 14],
		["data_get", 10],
		["data_delete", 2],
		["sql_put", 8],
		["sql_get", 6],
	];
	let x = r.next() * weights.reduce((s, [, n]) => s + n, 0);
	let what = "latest";
	for (const [name, n] of weights) {
		x -= n;
		if (x < 0) {
			what = name;
			break;
		}
	}
	const project = r.pick(w.projects);
	let ops: Op[];
	switch (what) {
		case "new":
			ops = [await w.newApp(r)];
			break;
		case "edit":
			ops = [await w.edit(r, project)];
			break;
		case "concurrent":
			ops = await Promise.all(Array.from({ length: r.int(2, 3) }, () => w.edit(r, project)));
			break;
		case "hang_up":
			ops = [r.chance(0.5) ? await w.newApp(r, { hangUp: true }) : await w.edit(r, project, { hangUp: true })];
			break;
		case "remix":
			ops = [await w.remix(r, project)];
			break;
		case "latest":
		case "pinned":
			ops = [await w.page(r, project, what === "pinned")];
			break;
		case "data_put":
			ops = [await w.dataPut(r)];
			break;
		case "data_get":
			ops = [await w.dataGet(r)];
			break;
		case "data_delete":
			ops = [await w.dataDelete(r)];
			break;
		case "sql_put":
			ops = [await w.sqlPut(r)];
			break;
		default:
			ops = [await w.sqlGet(r)];
	}
	return ops.some((o) => o.network) ? "no answer" : "done";
}

async function seedNotion(notion: FakeNotion, r: Rng, sites: string[]): Promise<SeededPage[]> {
	const pages: SeededPage[] = Array.from({ length: 10 }, (_, i) => ({
		id: uuid(r),
		title: `Soak page ${i}`,
		website: r.pick(sites),
	}));
	await fetch(`${notion.url}/__fake/seed`, {
		method: "POST",
		body: JSON.stringify({
			pages: pages.map((p) => ({
				id: p.id,
				parent: { type: "page_id", page_id: uuid(r) },
				properties: {
					Name: title(p.title),
					Status: { type: "select", select: { id: "s1", name: "Todo", color: "blue" } },
					Website: { type: "url", url: p.website },
					JSON: { type: "rich_text", rich_text: [] },
				},
			})),
		}),
	});
	return pages;
}

interface FakeState {
	children: { id: string; type: string; in_trash: boolean; callout?: { icon?: { emoji?: string } } }[];
}

async function blocksOf(notion: FakeNotion, page: string): Promise<NotionBlock[]> {
	const state = (await (await fetch(`${notion.url}/__fake/state/${page}`)).json()) as FakeState;
	return state.children.map((b) => ({
		id: b.id,
		type: b.type,
		emoji: b.callout?.icon?.emoji ?? null,
		inTrash: b.in_trash,
	}));
}

/** Notion's "not found" as it happens: someone deletes a callout Kiln keeps; the next run must write it again, once. */
async function trashACallout(notion: FakeNotion, pages: SeededPage[], f: PlannedFault): Promise<string> {
	const page = pages[Math.floor((f.at * 7919) % pages.length)];
	const callout = (await blocksOf(notion, page.id)).find((b) => b.type === "callout" && !b.inTrash);
	if (!callout) return `page ${page.id} had no callout yet`;
	await fetch(`${notion.url}/__fake/trash/${callout.id}`, { method: "POST" });
	return `trashed callout ${callout.id} on page ${page.id}`;
}

/**
 * Fires the notion Worker's cron, as Cloudflare would: Miniflare's trigger
 * endpoint on the gateway's port, routed to the notion Worker. False while
 * Kiln is down (the next tick fires it).
 */
async function fireCron(k: KilnProcess): Promise<boolean> {
	try {
		const res = await fetch(
			`http://127.0.0.1:${k.port}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/10 * * * *")}`,
			{ headers: { "MF-Route-Override": "kiln-notion" } },
		);
		const text = await res.text();
		if (res.status !== 200) throw new Error(`firing the cron answered ${res.status}: ${text.slice(0, 200)}`);
		return true;
	} catch (err) {
		if (err instanceof TypeError) return false; // no connection: Kiln is restarting
		throw err;
	}
}

async function eventsWith(k: KilnProcess, status: string): Promise<number> {
	const a = await request({
		port: k.port,
		host: `localhost:${k.port}`,
		path: `/notion/events?status=${status}&limit=200`,
		headers: operator,
	});
	if (a.status !== 200) throw new Error(`the event log answered ${a.status}: ${a.text.slice(0, 200)}`);
	return (JSON.parse(a.text) as { events: unknown[] }).events.length;
}

async function readEvent(k: KilnProcess, id: string): Promise<FinalState["notionEvents"][string]> {
	const a = await request({
		port: k.port,
		host: `localhost:${k.port}`,
		path: `/notion/events/${encodeURIComponent(id)}`,
		headers: operator,
	});
	if (a.status === 404) return null;
	if (a.status !== 200) throw new Error(`reading event ${id} answered ${a.status}`);
	const e = (JSON.parse(a.text) as { event: { status: string; lastError: string | null } }).event;
	return { status: e.status, lastError: e.lastError };
}

async function readProject(k: KilnProcess, id: string): Promise<{ status: number; versions: StoredVersion[] }> {
	const a = await request({ port: k.port, host: `localhost:${k.port}`, path: `/api/projects/${id}` });
	if (a.status !== 200) return { status: a.status, versions: [] };
	const body = JSON.parse(a.text) as { versions: StoredVersion[] };
	return {
		status: 200,
		versions: body.versions.map((v) => ({ number: v.number, parentNumber: v.parentNumber, prompt: v.prompt })),
	};
}

/** The median of three readings a second apart: one reading can catch a collection half done. */
async function rssMedian(k: KilnProcess): Promise<number | null> {
	const readings: number[] = [];
	for (let i = 0; i < 3; i++) {
		const kib = k.rssKiB();
		if (kib !== null) readings.push(kib);
		if (i < 2) await sleep(1000);
	}
	return readings.length ? readings.sort((a, b) => a - b)[Math.floor(readings.length / 2)] : null;
}
