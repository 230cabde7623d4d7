/**
 * The soak's figures, from its history: throughput, p50/p99 per kind of
 * request, errors by code, and the invariants' verdicts.
 */
import type { InvariantResult } from "./check.ts";
import type { History } from "./history.ts";

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface KindFigures {
	kind: string;
	count: number;
	ok: number;
	/** Of the requests done as asked: a refusal's quick 429 would hide a generation's time to `done`. */
	p50Ms: number;
	p99Ms: number;
}

export interface Figures {
	seconds: number;
	ops: number;
	opsPerSecond: number;
	kinds: KindFigures[];
	/** "<status> <code>" (or "network", "hung_up") → count, for every answer that was not ok. */
	errors: Record<string, number>;
	faults: Record<string, number>;
	notionRequests: number;
	memory: History["final"]["memory"];
}

export function figures(h: History): Figures {
	const load = h.ops.filter((o) => o.invokeAt >= h.loadStartedAt && o.invokeAt <= h.loadEndedAt);
	const seconds = (h.loadEndedAt - h.loadStartedAt) / 1000;
	const kinds = [...new Set(load.map((o) => o.kind))].sort().map((kind) => {
		const of = load.filter((o) => o.kind === kind);
		const times = of
			.filter((o) => o.outcome === "ok")
			.map((o) => o.completeAt - o.invokeAt)
			.sort((a, b) => a - b);
		return {
			kind,
			count: of.length,
			ok: of.filter((o) => o.outcome === "ok").length,
			p50Ms: percentile(times, 50),
			p99Ms: percentile(times, 99),
		};
	});
	const errors: Record<string, number> = {};
	for (const o of load) {
		if (o.outcome === "ok") continue;
		const key =
			o.outcome === "hung_up" ? "hung up (on purpose)" : o.network ? "no answer" : `${o.status} ${o.code ?? ""}`.trim();
		errors[key] = (errors[key] ?? 0) + 1;
	}
	const faults: Record<string, number> = {};
	for (const f of h.faults) faults[f.kind] = (faults[f.kind] ?? 0) + 1;
	return {
		seconds,
		ops: load.length,
		opsPerSecond: load.length / seconds,
		kinds,
		errors,
		faults,
		notionRequests: h.final.notionCalls.length,
		memory: h.final.memory,
	};
}

const ms = (n: number) => (Number.isNaN(n) ? "-" : `${n.toFixed(0)} ms`);

export function printFigures(f: Figures): void {
	console.log(`\n${f.ops} requests in ${f.seconds.toFixed(0)} s of load: ${f.opsPerSecond.toFixed(1)} a second`);
	console.log("kind                  count     ok  p50 (ok)  p99 (ok)");
	for (const k of f.kinds) {
		console.log(
			`${k.kind.padEnd(20)} ${String(k.count).padStart(6)} ${String(k.ok).padStart(6)} ${ms(k.p50Ms).padStart(9)} ${ms(k.p99Ms).padStart(9)}`,
		);
	}
	const m = f.memory;
	const trace = (m.samples ?? []).map(([t, kib]) => `${(t / 1000).toFixed(0)}s ${(kib / 1024).toFixed(0)}`);
	console.log(
		`workerd RSS (MiB): after warm-up (t+${((m.warmAt ?? 0) / 1000).toFixed(0)}s) ${m.warmKiB ? (m.warmKiB / 1024).toFixed(1) : "-"}, at the end ${m.endKiB ? (m.endKiB / 1024).toFixed(1) : "-"}; through the load: ${trace.join(", ")}`,
	);
	const errors = Object.entries(f.errors).sort((a, b) => b[1] - a[1]);
	console.log(`not ok, by code: ${errors.map(([k, n]) => `${k} ×${n}`).join(", ") || "none"}`);
	console.log(
		`faults injected: ${
			Object.entries(f.faults)
				.map(([k, n]) => `${k} ×${n}`)
				.join(", ") || "none"
		}; Notion saw ${f.notionRequests} requests`,
	);
}

export function printInvariants(results: InvariantResult[]): void {
	console.log("\ninvariants:");
	for (const r of results) {
		console.log(`  ${r.ok ? "PASS" : "FAIL"}  ${r.name} (${r.checked} checked)`);
		for (const c of r.counterexamples) console.log(`        ${c}`);
	}
}
