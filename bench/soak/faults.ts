/**
 * The soak's fault schedule, drawn from the seed before the load starts, and
 * how each fault is injected: through the fakes' control endpoints (the model
 * provider throttling, failing, refusing the key, stalling, cutting streams;
 * Notion answering 429 with Retry-After, 5xx, never, or a block being gone)
 * and by killing the Kiln process and starting it again.
 */
import type { FakeReply } from "../../test/fakes/openai.ts";
import type { FaultKind } from "./history.ts";
import type { Rng } from "./prng.ts";

export const MODEL_FAULTS = ["model_429", "model_500", "model_401", "model_stall", "model_cut"] as const;
export const NOTION_FAULTS = ["notion_429", "notion_5xx", "notion_timeout", "notion_not_found"] as const;
export const ALL_FAULTS: FaultKind[] = [...MODEL_FAULTS, ...NOTION_FAULTS, "kill"];

/** A fault to inject `at` ms after the load starts; model faults last `durationMs`. */
export interface PlannedFault {
	kind: FaultKind;
	at: number;
	durationMs: number;
	/** Notion faults: how many requests it hits; 5xx: the status and whether the write happened anyway. */
	times: number;
	status?: number;
	applied?: boolean;
	retryAfter?: number;
}

/** The model's answer outside fault windows: streamed in ~20 chunks over ~0.5 s, so a client can leave mid-stream. */
export const MODEL_BASELINE: FakeReply = { chunkDelayMs: 25 };

/** What the fake model answers during a model fault window. */
export function modelReply(kind: FaultKind): FakeReply {
	switch (kind) {
		case "model_429":
			return { status: 429 };
		case "model_500":
			return { status: 500 };
		case "model_401":
			return { status: 401 };
		case "model_stall":
			return { ...MODEL_BASELINE, stallAfterChunks: 3 };
		case "model_cut":
			return { ...MODEL_BASELINE, failAfterChunks: 3 };
		default:
			throw new Error(`${kind} is not a model fault`);
	}
}

/** The fake Notion's fault for a Notion fault kind (`notion_not_found` is a block deleted instead). */
export function notionFault(f: PlannedFault): Record<string, unknown> {
	switch (f.kind) {
		case "notion_429":
			return { path: "/v1/", status: 429, retryAfter: String(f.retryAfter ?? 1), times: f.times };
		case "notion_5xx":
			return { path: "/v1/", status: f.status ?? 500, applied: f.applied ?? false, times: f.times };
		case "notion_timeout":
			return { path: "/v1/", stall: true, times: f.times };
		default:
			throw new Error(`${f.kind} is not a fault of the fake Notion`);
	}
}

/**
 * How long the warm-up burst lasts (run.ts): workerd under Miniflare grows its
 * resident memory over its first tens of thousands of requests, whatever they
 * are, before it levels off (a hello-world Worker: 79 → 495 MiB over its
 * first 54,000 requests, then +3 MiB over the next 49,000). A burst of cheap
 * requests gets it there quickly, so that its level after warm-up means something.
 */
export function warmUpMs(loadMs: number): number {
	return Math.min(120_000, Math.max(20_000, loadMs * 0.15));
}

/**
 * The schedule for a load of `loadMs`: model fault windows that never overlap
 * (the fake model has one default reply), at least one of each enabled kind
 * and about 2.5 a minute; about 2 Notion faults a minute; kills about one per
 * 8 minutes and at least one, all early enough that the warm-up burst after
 * the last restart leaves time to watch workerd's memory until the end.
 */
export function planFaults(r: Rng, loadMs: number, enabled: Set<FaultKind>): PlannedFault[] {
	const minutes = loadMs / 60_000;
	const plan: PlannedFault[] = [];
	const shuffled = <T>(items: T[]) => {
		const out = [...items];
		for (let i = out.length - 1; i > 0; i--) {
			const j = r.int(0, i);
			[out[i], out[j]] = [out[j], out[i]];
		}
		return out;
	};

	const model = MODEL_FAULTS.filter((k) => enabled.has(k));
	if (model.length) {
		const count = Math.max(model.length, Math.round(minutes * 2.5));
		const kinds = shuffled([...model, ...Array.from({ length: count - model.length }, () => r.pick(model))]);
		const from = loadMs * 0.1;
		const slot = (loadMs * 0.8) / count;
		kinds.forEach((kind, i) => {
			const durationMs = Math.min(slot * 0.8, r.int(2_000, 6_000));
			plan.push({ kind, at: from + i * slot + r.next() * (slot - durationMs), durationMs, times: 0 });
		});
	}

	const notion = NOTION_FAULTS.filter((k) => enabled.has(k));
	if (notion.length) {
		const count = Math.max(notion.length, Math.round(minutes * 2));
		const kinds = shuffled([...notion, ...Array.from({ length: count - notion.length }, () => r.pick(notion))]);
		for (const kind of kinds) {
			plan.push({
				kind,
				at: loadMs * (0.05 + 0.85 * r.next()),
				durationMs: 0,
				times: kind === "notion_timeout" ? r.int(1, 2) : r.int(2, 5),
				...(kind === "notion_429" && { retryAfter: r.int(1, 2) }),
				...(kind === "notion_5xx" && { status: r.pick([500, 502, 503]), applied: r.chance(0.5) }),
			});
		}
	}

	if (enabled.has("kill")) {
		const count = Math.max(1, Math.floor(minutes / 8));
		const from = loadMs * 0.1;
		const to = Math.max(from, Math.min(loadMs * 0.45, loadMs - warmUpMs(loadMs) - 30_000));
		const slot = (to - from) / count;
		for (let i = 0; i < count; i++)
			plan.push({ kind: "kill", at: from + (i + r.next()) * slot, durationMs: 0, times: 0 });
	}
	return plan.sort((a, b) => a.at - b.at);
}
