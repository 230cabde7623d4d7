// The soak's checker (bench/soak/check.ts, issue 19): a clean history passes
// every invariant, and each planted bug is reported with the counterexample
// that names it: an acknowledged write dropped, a version stored for a failed
// generation, and the other invariants' own breaks.
import { describe, expect, it } from "vitest";
import { check, type InvariantResult } from "../../bench/soak/check.ts";
import { type History, type Op, tagOf } from "../../bench/soak/history.ts";

const T0 = 1_800_000_000_000;
const at = (s: number) => T0 + s * 1000;

function op(id: number, kind: Op["kind"], from: number, to: number, fields: Partial<Op> = {}): Op {
	return { id, kind, invokeAt: at(from), completeAt: at(to), outcome: "ok", status: 200, ...fields };
}

const logLine = (s: number, fields: Record<string, unknown>) => ({
	t: at(s),
	line: JSON.stringify({ event: "generation", ...fields }),
});

/**
 * A small run in which everything went right, faults included: a new app and
 * an edit (one failed under a model 500 window, one refused by the rate
 * limit), a remix, data-store writes and reads with one concurrent pair, a
 * write lost to a kill, Notion events, a page with one callout per route.
 */
function cleanHistory(): History {
	const ops: Op[] = [
		op(1, "generate_new", 1, 2, { project: "p1", version: 1, tag: tagOf(1) }),
		op(2, "generate_edit", 3, 4, { project: "p1", version: 2, tag: tagOf(2) }),
		op(3, "generate_edit", 5, 6, { project: "p1", tag: tagOf(3), outcome: "failed", code: "upstream_error" }),
		op(4, "remix", 7, 7.1, { project: "r1", version: 1, status: 201 }),
		op(5, "data_put", 10, 10.1, { key: "data|p1|notes/k0", value: tagOf(5) }),
		op(6, "data_get", 11, 11.1, { key: "data|p1|notes/k0", value: tagOf(5) }),
		// Two writes at once: either may win.
		op(7, "data_put", 12, 12.3, { key: "data|p1|notes/k0", value: tagOf(7) }),
		op(8, "data_put", 12.1, 12.2, { key: "data|p1|notes/k0", value: tagOf(8) }),
		op(9, "data_put", 13, 13.1, {
			key: "data|p1|notes/k1",
			value: tagOf(9),
			outcome: "refused",
			status: 429,
			code: "rate_limited",
		}),
		// Cut by the kill at t+20: it may or may not have been written.
		op(10, "sql_put", 19.9, 20.1, {
			key: "sql|s1|s0",
			value: tagOf(10),
			outcome: "unknown",
			status: undefined,
			network: "ECONNRESET",
		}),
		op(11, "notion_automation", 14, 14.1, { event: "/example/callout:e1", page: "page-1", status: 202 }),
		op(12, "notion_duplicate", 15, 15.1, { event: "/example/callout:e1" }),
		op(13, "generate_new", 30, 31, { tag: tagOf(13), outcome: "refused", status: 429, code: "rate_limited" }),
	];
	return {
		seed: 1,
		startedAt: T0,
		loadStartedAt: T0,
		loadEndedAt: at(58),
		endedAt: at(60),
		ops,
		faults: [
			{ kind: "model_500", start: at(4.5), end: at(8) },
			{ kind: "kill", start: at(20), end: at(24) },
		],
		logs: [
			logLine(2, { project: "p1", outcome: "done", version: 1 }),
			logLine(4, { project: "p1", outcome: "done", version: 2 }),
			logLine(6, { project: "p1", outcome: "upstream_error" }),
			{ t: at(7), line: "notion sweep: checked 0, deleted 0" },
		],
		final: {
			projects: {
				p1: {
					status: 200,
					versions: [
						{ number: 1, parentNumber: null, prompt: `[${tagOf(1)}] Build a counter` },
						{ number: 2, parentNumber: 1, prompt: `[${tagOf(2)}] Make it blue` },
					],
				},
				r1: {
					status: 200,
					remixOf: "p1",
					versions: [{ number: 1, parentNumber: null, prompt: `[${tagOf(2)}] Make it blue` }],
				},
			},
			store: {
				"data|p1|notes/k0": { status: 200, value: tagOf(7) },
				"data|p1|notes/k1": { status: 404, value: null },
				"sql|s1|s0": { status: 404, value: null },
			},
			notionEvents: { "/example/callout:e1": { status: "done", lastError: null } },
			notionPages: {
				"page-1": [
					{ id: "b1", type: "callout", emoji: "📋", inTrash: false },
					{ id: "b2", type: "callout", emoji: "👋", inTrash: false },
					{ id: "b0", type: "callout", emoji: "📋", inTrash: true },
				],
			},
			notionCalls: [0, 400, 800, 1100, 1500, 1900].map((ms) => ({
				at: at(14) + ms,
				method: "PATCH",
				path: "/v1/blocks/page-1/children",
				status: 200,
			})),
			memory: { warmKiB: 800_000, endKiB: 900_000 },
		},
	};
}

function verdict(h: History, startsWith: string): InvariantResult {
	const r = check(h).find((x) => x.name.startsWith(startsWith));
	if (!r) throw new Error(`no invariant named "${startsWith}..."`);
	return r;
}

describe("the soak's checker", () => {
	it("passes a clean history, having checked something under every invariant", () => {
		const results = check(cleanHistory());
		expect(results.map((r) => [r.name, r.counterexamples])).toEqual(results.map((r) => [r.name, []]));
		expect(results.every((r) => r.ok && r.checked > 0)).toBe(true);
		expect(results).toHaveLength(9);
	});

	it("reports an acknowledged write that was dropped, naming the key and the write", () => {
		const h = cleanHistory();
		// The store lost op 7 and op 8: k0 reads as op 5 wrote it.
		h.final.store["data|p1|notes/k0"] = { status: 200, value: tagOf(5) };
		const r = verdict(h, "every acknowledged write");
		expect(r.ok).toBe(false);
		expect(r.counterexamples).toEqual([
			expect.stringMatching(
				/^data\|p1\|notes\/k0: the read at the end read soak-op5; allowed: soak-op7, soak-op8; the last acknowledged write before it: op 7 \(data_put, .*\) = soak-op7$/,
			),
		]);
	});

	it("reports a write dropped to nothing, and a refused write that appears", () => {
		const h = cleanHistory();
		h.final.store["data|p1|notes/k0"] = { status: 404, value: null };
		h.final.store["data|p1|notes/k1"] = { status: 200, value: tagOf(9) };
		const r = verdict(h, "every acknowledged write");
		expect(r.counterexamples).toEqual([
			expect.stringContaining("data|p1|notes/k0: the read at the end read (absent); allowed: soak-op7, soak-op8"),
			expect.stringContaining("data|p1|notes/k1: the read at the end read soak-op9, written by a refused write: op 9"),
		]);
	});

	it("reports a read during the run that saw an overwritten value", () => {
		const h = cleanHistory();
		h.ops.push(op(20, "data_get", 14, 14.1, { key: "data|p1|notes/k0", value: tagOf(5) }));
		expect(verdict(h, "every acknowledged write").counterexamples).toEqual([
			expect.stringContaining("data|p1|notes/k0: op 20 at t+14.0s read soak-op5; allowed: soak-op7, soak-op8"),
		]);
	});

	it("reports a version stored for a generation that failed, naming the project, version and operation", () => {
		const h = cleanHistory();
		h.final.projects.p1.versions.push({ number: 3, parentNumber: 2, prompt: `[${tagOf(3)}] Make it red` });
		const r = verdict(h, "versions 1..n");
		expect(r.ok).toBe(false);
		expect(r.counterexamples).toEqual([
			expect.stringMatching(
				/^p1 v3 is stored for op 3 \(generate_edit, .* failed 200 upstream_error\), which the client was told failed$/,
			),
		]);
	});

	it("reports a version the server logged as cancelled, whose client had left", () => {
		const h = cleanHistory();
		h.ops.push(op(21, "hang_up", 40, 40.2, { project: "p1", tag: tagOf(21), outcome: "hung_up" }));
		h.logs.push(logLine(40.3, { project: "p1", outcome: "client_gone" }));
		h.final.projects.p1.versions.push({ number: 3, parentNumber: 2, prompt: `[${tagOf(21)}] Smaller` });
		expect(verdict(h, "versions 1..n").counterexamples).toEqual([
			expect.stringContaining(
				"p1 v3 is stored for op 21 (hang_up, t+40.0s..t+40.2s, hung_up 200), but the server logged no done for it (it logged for p1: done ×2, upstream_error ×1, client_gone ×1)",
			),
		]);
	});

	it("reports gaps, missing parents and acknowledged versions that are gone", () => {
		const h = cleanHistory();
		h.final.projects.p1.versions = [
			{ number: 1, parentNumber: null, prompt: `[${tagOf(1)}] Build a counter` },
			{ number: 3, parentNumber: 2, prompt: `[${tagOf(2)}] Make it blue` },
		];
		h.final.projects.r1 = { status: 404, remixOf: "p1", versions: [] };
		const r = verdict(h, "versions 1..n");
		expect(r.counterexamples).toEqual([
			"p1: versions 1, 3, expected 1..2 once each",
			"p1 v3: parent 2 does not exist before it",
			expect.stringContaining("p1 v3 is stored for op 2 (generate_edit, t+3.0s..t+4.0s, ok 200), which was told p1 v2"),
			expect.stringContaining("p1 v3 is stored for op 2"),
			expect.stringContaining("p1 v2: acknowledged by op 2"),
		]);
		expect(verdict(h, "versions 1..n").counterexamples.length).toBe(5);
	});

	it("reports a Notion event left unsettled, or failed without a reason", () => {
		const h = cleanHistory();
		h.final.notionEvents["/example/callout:e1"] = { status: "running", lastError: null };
		expect(verdict(h, "every accepted Notion event").counterexamples).toEqual([
			expect.stringContaining("/example/callout:e1: still running at the end (accepted by op 11"),
		]);
		h.final.notionEvents["/example/callout:e1"] = { status: "failed", lastError: null };
		expect(verdict(h, "every accepted Notion event").counterexamples).toEqual([
			"/example/callout:e1: failed with no reason",
		]);
	});

	it("reports two callouts of one route on a page", () => {
		const h = cleanHistory();
		h.final.notionPages["page-1"].push({ id: "b3", type: "callout", emoji: "📋", inTrash: false });
		expect(verdict(h, "no page has two callouts").counterexamples).toEqual(["page page-1: 2 📋 callouts: b1, b3"]);
	});

	it("reports a second in which Notion saw a fourth request", () => {
		const h = cleanHistory();
		h.final.notionCalls.push({ at: at(14) + 950, method: "GET", path: "/v1/blocks/b1", status: 200 });
		const r = verdict(h, "Notion never saw");
		expect(r.counterexamples).toEqual([expect.stringMatching(/^4 requests within one second from t\+14\.0s: /)]);
	});

	it("reports a 5xx, a broken connection and a generation error that no fault explains", () => {
		const h = cleanHistory();
		h.ops.push(
			op(22, "page_latest", 40, 40.1, { outcome: "failed", status: 500, code: "internal_error" }),
			op(23, "data_get", 41, 41.1, { outcome: "unknown", status: undefined, network: "ECONNRESET" }),
			op(24, "generate_new", 42, 43, { outcome: "failed", code: "upstream_rate_limited", tag: tagOf(24) }),
		);
		expect(verdict(h, "no 5xx").counterexamples).toEqual([
			expect.stringContaining("op 22 (page_latest, t+40.0s..t+40.1s, failed 500 internal_error): no kill explains it"),
			expect.stringContaining("op 23 (data_get, t+41.0s..t+41.1s, unknown) (ECONNRESET): no kill explains it"),
			expect.stringContaining(
				"op 24 (generate_new, t+42.0s..t+43.0s, failed 200 upstream_rate_limited): no model_429 fault was on while it ran",
			),
		]);
	});

	it("reports a refusal the load did not invite, and an error that is not Kiln's JSON", () => {
		const h = cleanHistory();
		h.ops.push(
			op(25, "generate_edit", 40, 40.1, {
				outcome: "refused",
				status: 404,
				code: "project_not_found",
				badShape: "content-type text/html: <h1>404</h1>",
			}),
		);
		expect(verdict(h, "no refusal").counterexamples).toEqual([expect.stringContaining("op 25 (generate_edit")]);
		expect(verdict(h, "every error is Kiln's JSON shape").counterexamples).toEqual([
			expect.stringContaining(
				"op 25 (generate_edit, t+40.0s..t+40.1s, refused 404 project_not_found): content-type text/html",
			),
		]);
	});

	it("reports workerd's memory growing more than 20% after warm-up", () => {
		const h = cleanHistory();
		h.final.memory = { warmKiB: 800 * 1024, endKiB: 1000 * 1024 };
		expect(verdict(h, "workerd's resident memory").counterexamples).toEqual([
			"800.0 MiB after warm-up, 1000.0 MiB at the end: +25.0%",
		]);
	});
});
