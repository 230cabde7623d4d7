/**
 * Edits bench (issue 16): what a follow-up costs as SEARCH/REPLACE blocks vs
 * the whole file rewritten, on a 400-line app, with the fake model streaming
 * at 40 tokens/s (Workers AI-like) and at 2,000 (Cerebras-like). Two changes:
 * one line, and half the file (one block of its first half). For each, the
 * output tokens (`done`'s stats) and the time from sending the follow-up to
 * `done` (stored), both modes measured side by side in one run, through the
 * gateway and codegen in Miniflare (as deployed) with the real AI SDK.
 *
 * Targets for the one-line change at 40 tokens/s: >= 10x fewer tokens and
 * >= 5x less time; the half-file change no slower than a rewrite. Nothing is
 * asserted: it prints figures.
 *
 * Sizes: `BENCH_EDIT_LINES` (default 400; smoke 40), `BENCH_EDIT_SPEEDS`
 * (tokens/s, comma-separated; default "40,2000"; smoke "2000").
 */
import { bigApp, changeLines, editAnswer, fullAnswer, rowLine } from "../test/fakes/big-app.ts";
import { createScenario, startFakeOpenAI } from "../test/fakes/openai.ts";
import { startKilnInMiniflare } from "./kiln-in-miniflare.ts";
import { SMOKE, size } from "./options.ts";

const LINES = size("BENCH_EDIT_LINES", 400, 40);
const SPEEDS = (process.env.BENCH_EDIT_SPEEDS ?? (SMOKE ? "2000" : "40,2000")).split(",").map(Number);

let ip = 1;
/** Each request from its own address: the generation rate limit is per client. */
const client = () => ({ "cf-connecting-ip": `10.7.${Math.floor(ip / 250)}.${ip++ % 250}` });

interface Done {
	version: number;
	stats: { outputTokens: number };
	edit?: { blocks: number; rewrite: boolean; repaired: boolean };
}

/** POST /api/generate and read to the end: the `done` event and the time it took. */
async function generate(
	base: string,
	body: object,
	token?: string,
): Promise<{ done: Done; ms: number; project: string; token?: string }> {
	const started = performance.now();
	const res = await fetch(`${base}/api/generate`, {
		method: "POST",
		headers: { "content-type": "application/json", ...client(), ...(token && { authorization: `Bearer ${token}` }) },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	const ms = performance.now() - started;
	const events = text
		.split("\n\n")
		.filter(Boolean)
		.map((b) => ({ event: /^event: (.*)$/m.exec(b)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(b)?.[1] ?? "null") }));
	const last = events.at(-1);
	if (last?.event !== "done") throw new Error(`generation ended with ${last?.event}: ${JSON.stringify(last?.data)}`);
	return { done: last.data as Done, ms, project: events[0].data.project, token: events[0].data.editToken };
}

const fake = await startFakeOpenAI();
const kiln = await startKilnInMiniflare({
	LLM_BASE_URL: `${fake.url}/v1`,
	LLM_MODEL: "fake-model",
	LLM_API_KEY: "bench",
});
const base = `http://127.0.0.1:${kiln.port}`;
try {
	const app = bigApp(LINES);
	const one = changeLines(
		app,
		rowLine(app, Math.ceil((LINES - 10) / 2)),
		rowLine(app, Math.ceil((LINES - 10) / 2)),
		(l) => l.replace("some text to read", "the one line that changed"),
	);
	const half = changeLines(app, 1, Math.floor(LINES / 2), (l) => l.replace("Row", "Line"));
	const changes = [
		{ name: "one line", edit: editAnswer([one.change]), rewrite: fullAnswer(one.result), result: one.result },
		{ name: "half the file", edit: editAnswer([half.change]), rewrite: fullAnswer(half.result), result: half.result },
	];
	console.log(`a ${LINES}-line app (${app.length} characters, ~${Math.ceil(app.length / 4)} tokens)\n`);
	console.log("speed (tok/s)  change          mode      tokens   time to done   stored right");
	const ratios: string[] = [];
	for (const speed of SPEEDS) {
		for (const change of changes) {
			const measured: Record<string, { tokens: number; ms: number }> = {};
			// Alternate which mode goes first, so machine noise hits both alike.
			const modes = speed === SPEEDS[0] ? (["edit", "rewrite"] as const) : (["rewrite", "edit"] as const);
			for (const mode of modes) {
				const first = await createScenario(fake.url, { replies: [{ text: fullAnswer(app), chunkSize: 4096 }] });
				const v1 = await generate(base, { prompt: `the app ${first.marker}` });
				const s = await createScenario(fake.url, { replies: [{ text: change[mode], tokensPerSecond: speed }] });
				const g = await generate(base, { prompt: `change it ${s.marker}`, project: v1.project }, v1.token);
				const stored = (await (await fetch(`${base}/api/projects/${v1.project}/versions/2`)).json()) as {
					version: { code: string };
				};
				const right = stored.version.code === change.result;
				measured[mode] = { tokens: g.done.stats.outputTokens, ms: g.ms };
				console.log(
					`${String(speed).padEnd(15)}${change.name.padEnd(16)}${mode.padEnd(10)}${String(g.done.stats.outputTokens).padStart(6)}   ${(g.ms / 1000).toFixed(2).padStart(9)} s   ${right ? "yes" : "NO"} (${JSON.stringify(g.done.edit)})`,
				);
			}
			const e = measured.edit;
			const r = measured.rewrite;
			ratios.push(
				`${speed} tok/s, ${change.name}: edit uses ${(r.tokens / e.tokens).toFixed(2)}x fewer tokens and ${(r.ms / e.ms).toFixed(2)}x less time than a rewrite`,
			);
		}
	}
	console.log(`\n${ratios.join("\n")}`);
	console.log(
		"\ntargets: one line at 40 tok/s >= 10x fewer tokens, >= 5x less time; half the file no slower (time ratio >= 1.0)",
	);
} finally {
	await kiln.dispose();
	await fake.close();
}
