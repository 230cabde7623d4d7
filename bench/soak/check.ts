/**
 * The soak's invariants, checked over a recorded history (the clients'
 * operations, the faults, the Workers' log lines and the state read back at
 * the end). Pure: no I/O, so a test can hand it a history with a planted bug
 * (test/soak/check.test.ts). Each invariant passes or fails with
 * counterexamples a person can follow: the operation, the key, the version.
 */
import { type FaultKind, type FaultWindow, type History, type Op, TAG } from "./history.ts";

export interface InvariantResult {
	name: string;
	ok: boolean;
	/** How many things were checked (writes, versions, events...): a pass over nothing proves nothing. */
	checked: number;
	counterexamples: string[];
}

/** At most this many counterexamples per invariant are kept: the first ones say enough. */
const MAX_EXAMPLES = 5;
/** workerd's memory at the end may be at most this much above its level after warm-up. */
export const MEMORY_GROWTH_LIMIT = 0.2;
/** Notion's rate limit, which Kiln promises never to exceed. */
export const NOTION_PER_SECOND = 3;
/** After a restart answers, requests already on their way may still fail for this long. */
const KILL_GRACE_MS = 2_000;

/** Which model fault produces which error a generation reports. */
export const STREAM_ERROR_CAUSES: Record<string, FaultKind> = {
	upstream_rate_limited: "model_429",
	upstream_error: "model_500",
	upstream_unauthorized: "model_401",
	upstream_timeout: "model_stall",
	upstream_interrupted: "model_cut",
};

/** Refusals the workload invites: many users share few rate limits. Any other 4xx is a bug. */
export const EXPECTED_REFUSALS = new Set(["rate_limited"]);

export function check(h: History): InvariantResult[] {
	return [
		acknowledgedWrites(h),
		versions(h),
		notionEventsSettled(h),
		oneCalloutPerRoute(h),
		notionRate(h),
		errorsExplained(h),
		refusalsExpected(h),
		errorShape(h),
		memory(h),
	];
}

function result(name: string, checked: number, counterexamples: string[]): InvariantResult {
	return { name, ok: counterexamples.length === 0, checked, counterexamples: counterexamples.slice(0, MAX_EXAMPLES) };
}

const secs = (h: History, t: number) => (Number.isFinite(t) ? `t+${((t - h.startedAt) / 1000).toFixed(1)}s` : "never");
const describe = (h: History, o: Op) =>
	`op ${o.id} (${o.kind}, ${secs(h, o.invokeAt)}..${secs(h, o.completeAt)}, ${o.outcome}${o.status ? ` ${o.status}` : ""}${o.code ? ` ${o.code}` : ""})`;

/** The kill whose window (plus the grace after the restart) overlaps [from, to], if any. */
function killDuring(faults: FaultWindow[], from: number, to: number): FaultWindow | undefined {
	return faults.find((f) => f.kind === "kill" && from <= f.end + KILL_GRACE_MS && to >= f.start);
}

// ------------------------------------------------------------------ data store and SQL

const isWrite = (o: Op) => o.kind === "data_put" || o.kind === "data_delete" || o.kind === "sql_put";
const isRead = (o: Op) => o.kind === "data_get" || o.kind === "sql_get";
const show = (v: string | null | undefined) => (v === null || v === undefined ? "(absent)" : v);

/**
 * Every acknowledged write is readable with its last acknowledged value or a
 * concurrent one, and nothing refused appears. A write's value is its op's
 * tag, so a value names the write that made it. For a read, the values it may
 * return are those of writes that began before it ended and were not
 * overwritten, before it began, by an acknowledged write that began after
 * they ended; absent only while no acknowledged write finished before it
 * began (Kiln's store answers as one copy: D1, or one object per project).
 * The state read back at the end is a read after everything. A write with no
 * answer may take effect until the kill that cut it, or, without one, at any time.
 */
function acknowledgedWrites(h: History): InvariantResult {
	const name =
		"every acknowledged write is readable (its last acknowledged value or a concurrent one); nothing refused appears";
	const examples: string[] = [];
	const byKey = new Map<string, { writes: Op[]; reads: Op[] }>();
	for (const o of h.ops) {
		if (!o.key || !(isWrite(o) || (isRead(o) && o.outcome === "ok"))) continue;
		const entry = byKey.get(o.key) ?? { writes: [], reads: [] };
		(isWrite(o) ? entry.writes : entry.reads).push(o);
		byKey.set(o.key, entry);
	}
	const end = h.endedAt + 1;
	let checked = 0;
	for (const [key, { writes, reads }] of byKey) {
		const acked = writes.filter((w) => w.outcome === "ok");
		const refused = new Map(writes.filter((w) => w.outcome === "refused").map((w) => [w.value, w]));
		// When a write can no longer take effect: its answer, or for one without an answer the kill that cut it.
		const settledAt = (w: Op) =>
			w.outcome === "ok" ? w.completeAt : (killDuring(h.faults, w.invokeAt, w.completeAt)?.start ?? Infinity);
		const candidates = writes.filter((w) => w.outcome !== "refused").map((w) => ({ w, settled: settledAt(w) }));
		const possible = (readStart: number, readEnd: number): (string | null)[] => {
			// A write is overwritten before the read began when an acknowledged write that
			// finished before then began after it settled: compare with the latest such start.
			let latestStart = Number.NEGATIVE_INFINITY;
			for (const a of acked) if (a.completeAt < readStart) latestStart = Math.max(latestStart, a.invokeAt);
			const values: (string | null)[] = candidates
				.filter(({ w, settled }) => w.invokeAt < readEnd && settled >= latestStart)
				.map(({ w }) => w.value ?? null);
			if (latestStart === Number.NEGATIVE_INFINITY) values.push(null);
			return values;
		};
		const judge = (what: string, value: string | null, readStart: number, readEnd: number) => {
			checked++;
			const bad = refused.get(value);
			if (value !== null && bad) {
				examples.push(`${key}: ${what} read ${value}, written by a refused write: ${describe(h, bad)}`);
				return;
			}
			const allowed = possible(readStart, readEnd);
			if (allowed.includes(value)) return;
			const last = acked.filter((a) => a.completeAt < readStart).sort((a, b) => b.completeAt - a.completeAt)[0];
			examples.push(
				`${key}: ${what} read ${show(value)}; allowed: ${[...new Set(allowed)].map(show).join(", ") || "nothing"}` +
					(last ? `; the last acknowledged write before it: ${describe(h, last)} = ${show(last.value)}` : ""),
			);
		};
		for (const r of reads) judge(`op ${r.id} at ${secs(h, r.invokeAt)}`, r.value ?? null, r.invokeAt, r.completeAt);
		const final = h.final.store[key];
		if (!final) {
			checked++;
			examples.push(`${key}: never read back at the end`);
		} else if (final.status !== 200 && final.status !== 404) {
			checked++;
			examples.push(`${key}: the read at the end answered ${final.status}`);
		} else {
			judge("the read at the end", final.value, end, end);
		}
	}
	return result(name, checked, examples);
}

// ------------------------------------------------------------------ versions

interface GenerationLog {
	project: string;
	outcome: string;
	version?: number;
}

function generationLogs(h: History): GenerationLog[] {
	const out: GenerationLog[] = [];
	for (const { line } of h.logs) {
		if (!line.startsWith("{")) continue;
		try {
			const parsed = JSON.parse(line) as { event?: string } & GenerationLog;
			if (parsed.event === "generation") out.push(parsed);
		} catch {}
	}
	return out;
}

const isGeneration = (o: Op) => o.kind === "generate_new" || o.kind === "generate_edit" || o.kind === "hang_up";

/**
 * Per project: versions 1..n with no gap or duplicate, each parent exists;
 * every version a client was told is `done` is there; no version exists for a
 * generation the client saw fail, or that the server did not log as `done`
 * (it logged it failed or cancelled). A version stored by a generation that a
 * kill cut short may have lost its log line with the process.
 */
function versions(h: History): InvariantResult {
	const name = "versions 1..n, no gap or duplicate, each parent exists; none for a failed or cancelled generation";
	const examples: string[] = [];
	const logs = generationLogs(h);
	const doneLogged = new Set(logs.filter((l) => l.outcome === "done").map((l) => `${l.project}#${l.version}`));
	const loggedFor = (project: string) => {
		const counts = new Map<string, number>();
		for (const l of logs.filter((x) => x.project === project)) counts.set(l.outcome, (counts.get(l.outcome) ?? 0) + 1);
		return [...counts].map(([k, n]) => `${k} ×${n}`).join(", ") || "nothing";
	};
	const byTag = new Map(h.ops.filter((o) => o.tag).map((o) => [o.tag as string, o]));
	const acknowledgedBy = new Map<string, Op[]>();
	for (const o of h.ops) {
		if (!o.project || o.outcome !== "ok" || !(isGeneration(o) || o.kind === "remix")) continue;
		acknowledgedBy.set(o.project, [...(acknowledgedBy.get(o.project) ?? []), o]);
	}
	let checked = 0;
	for (const [project, p] of Object.entries(h.final.projects)) {
		const acknowledged = acknowledgedBy.get(project) ?? [];
		if (p.status === 404) {
			checked++;
			for (const o of acknowledged) examples.push(`${project}: gone, but ${describe(h, o)} was acknowledged`);
			continue;
		}
		if (p.status !== 200) {
			checked++;
			examples.push(`${project}: reading it back answered ${p.status}`);
			continue;
		}
		const numbers = p.versions.map((v) => v.number).sort((a, b) => a - b);
		const expected = numbers.map((_, i) => i + 1);
		if (numbers.join() !== expected.join())
			examples.push(`${project}: versions ${numbers.join(", ")}, expected 1..${numbers.length} once each`);
		const present = new Set(numbers);
		for (const v of p.versions) {
			checked++;
			const parentOk =
				v.number === 1
					? v.parentNumber === null
					: v.parentNumber !== null && v.parentNumber < v.number && present.has(v.parentNumber);
			if (!parentOk) examples.push(`${project} v${v.number}: parent ${v.parentNumber} does not exist before it`);
			if (v.number === 1 && p.remixOf) continue; // a remix's copy, made by the remix op, not a generation
			const tag = TAG.exec(v.prompt)?.[1];
			const op = tag ? byTag.get(tag) : undefined;
			if (!op) {
				examples.push(`${project} v${v.number}: its prompt names no operation of this run`);
				continue;
			}
			if (op.outcome === "failed" || op.outcome === "refused") {
				examples.push(`${project} v${v.number} is stored for ${describe(h, op)}, which the client was told failed`);
				continue;
			}
			if (op.outcome === "ok" && (op.project !== project || op.version !== v.number)) {
				examples.push(
					`${project} v${v.number} is stored for ${describe(h, op)}, which was told ${op.project} v${op.version}`,
				);
			}
			if (!doneLogged.has(`${project}#${v.number}`) && !killDuring(h.faults, op.invokeAt, op.completeAt)) {
				examples.push(
					`${project} v${v.number} is stored for ${describe(h, op)}, but the server logged no done for it (it logged for ${project}: ${loggedFor(project)})`,
				);
			}
		}
		for (const o of acknowledged) {
			if (o.kind === "remix") continue;
			const stored = p.versions.find((v) => v.number === o.version);
			if (!stored || TAG.exec(stored.prompt)?.[1] !== o.tag)
				examples.push(`${project} v${o.version}: acknowledged by ${describe(h, o)} but not stored as such`);
		}
	}
	return result(name, checked, examples);
}

// ------------------------------------------------------------------ Notion

function notionEventsSettled(h: History): InvariantResult {
	const name = "every accepted Notion event ends done, failed (with its reason) or ignored";
	const examples: string[] = [];
	const accepted = new Map<string, Op>();
	for (const o of h.ops) if (o.event && o.outcome === "ok" && !accepted.has(o.event)) accepted.set(o.event, o);
	for (const [id, o] of accepted) {
		const e = h.final.notionEvents[id];
		if (e === undefined) examples.push(`${id}: accepted by ${describe(h, o)}, never read back`);
		else if (e === null) examples.push(`${id}: accepted by ${describe(h, o)}, gone from the event log`);
		else if (e.status === "failed" && !e.lastError) examples.push(`${id}: failed with no reason`);
		else if (!["done", "failed", "ignored"].includes(e.status))
			examples.push(`${id}: still ${e.status} at the end (accepted by ${describe(h, o)})`);
	}
	return result(name, accepted.size, examples);
}

function oneCalloutPerRoute(h: History): InvariantResult {
	const name = "no page has two callouts from one route";
	const examples: string[] = [];
	let checked = 0;
	for (const [page, blocks] of Object.entries(h.final.notionPages)) {
		checked++;
		const byRoute = new Map<string, string[]>();
		for (const b of blocks) {
			if (b.type !== "callout" || b.inTrash) continue;
			const key = b.emoji ?? "(no icon)";
			byRoute.set(key, [...(byRoute.get(key) ?? []), b.id]);
		}
		for (const [emoji, ids] of byRoute) {
			if (ids.length > 1) examples.push(`page ${page}: ${ids.length} ${emoji} callouts: ${ids.join(", ")}`);
		}
	}
	return result(name, checked, examples);
}

/** The most requests inside any one-second window [t, t + 1000), and the window's first index. */
export function busiestSecond(times: number[]): { count: number; from: number } {
	const sorted = [...times].sort((a, b) => a - b);
	let best = { count: 0, from: 0 };
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= 1000) j++;
		if (i - j + 1 > best.count) best = { count: i - j + 1, from: sorted[j] };
	}
	return best;
}

function notionRate(h: History): InvariantResult {
	const name = `Notion never saw more than ${NOTION_PER_SECOND} requests in any second`;
	const calls = h.final.notionCalls;
	const busiest = busiestSecond(calls.map((c) => c.at));
	const examples: string[] = [];
	if (busiest.count > NOTION_PER_SECOND) {
		const inside = calls
			.filter((c) => c.at >= busiest.from && c.at < busiest.from + 1000)
			.map((c) => `${secs(h, c.at)} ${c.method} ${c.path} → ${c.status}`);
		examples.push(`${busiest.count} requests within one second from ${secs(h, busiest.from)}: ${inside.join("; ")}`);
	}
	return result(name, calls.length, examples);
}

// ------------------------------------------------------------------ errors

/**
 * Every 5xx, broken connection or stream that ended without `done` or `error`
 * falls within a kill (from the SIGKILL until shortly after the new process
 * answered); every error a generation reports matches a model fault that was
 * on while it ran.
 */
function errorsExplained(h: History): InvariantResult {
	const name = "no 5xx, broken connection or generation error that the injected faults do not explain";
	const examples: string[] = [];
	let checked = 0;
	for (const o of h.ops) {
		const serverError = (o.status ?? 0) >= 500;
		const streamError = o.outcome === "failed" && o.status === 200;
		if (!(serverError || streamError || o.outcome === "unknown")) continue;
		checked++;
		if (streamError || (serverError && o.code && o.code in STREAM_ERROR_CAUSES)) {
			const cause = o.code ? STREAM_ERROR_CAUSES[o.code] : undefined;
			const window = cause && h.faults.find((f) => f.kind === cause && o.invokeAt <= f.end && o.completeAt >= f.start);
			if (!window)
				examples.push(
					`${describe(h, o)}: ${cause ? `no ${cause} fault was on while it ran` : "no fault makes this error"}`,
				);
			continue;
		}
		if (!killDuring(h.faults, o.invokeAt, o.completeAt)) {
			examples.push(`${describe(h, o)}${o.network ? ` (${o.network})` : ""}: no kill explains it`);
		}
	}
	return result(name, checked, examples);
}

function refusalsExpected(h: History): InvariantResult {
	const name = `no refusal (4xx) but those the load invites (${[...EXPECTED_REFUSALS].join(", ")})`;
	const refusals = h.ops.filter((o) => o.outcome === "refused");
	const examples = refusals.filter((o) => !EXPECTED_REFUSALS.has(o.code ?? "")).map((o) => describe(h, o));
	return result(name, refusals.length, examples);
}

function errorShape(h: History): InvariantResult {
	const name = 'every error is Kiln\'s JSON shape, {"error":{"code","message"}}';
	const errors = h.ops.filter((o) => (o.status ?? 0) >= 400 || (o.outcome === "failed" && o.status === 200));
	const examples = errors.filter((o) => o.badShape).map((o) => `${describe(h, o)}: ${o.badShape}`);
	return result(name, errors.length, examples);
}

// ------------------------------------------------------------------ memory

function memory(h: History): InvariantResult {
	const name = `workerd's resident memory at the end within ${MEMORY_GROWTH_LIMIT * 100}% of its level after warm-up`;
	const { warmKiB, endKiB } = h.final.memory;
	if (warmKiB === null || endKiB === null) return result(name, 0, ["not measured (no workerd process found)"]);
	const growth = endKiB / warmKiB - 1;
	const examples =
		growth > MEMORY_GROWTH_LIMIT
			? [`${mib(warmKiB)} after warm-up, ${mib(endKiB)} at the end: +${(growth * 100).toFixed(1)}%`]
			: [];
	return result(name, 1, examples);
}

export const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
