// The rate limiter's schedule, on a simulated clock: never more than 3 sends
// in any window of a second (plus margin), bursts of 3, and 429 pauses.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MARGIN_MS, PER_WINDOW, SendSchedule, WINDOW_MS } from "../../workers/notion/notion/limiter";

/** The most sends inside any half-open window [t, t + width). */
function maxInWindow(times: number[], width: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= width) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
}

describe("SendSchedule", () => {
	it("lets a burst of three go at once, then spaces the rest", () => {
		const s = new SendSchedule();
		const waits = Array.from({ length: 7 }, () => s.reserve(1000));
		expect(waits).toEqual([0, 0, 0, WINDOW_MS + MARGIN_MS, WINDOW_MS + MARGIN_MS, WINDOW_MS + MARGIN_MS, 2 * (WINDOW_MS + MARGIN_MS)]);
	});

	it("never grants more than three sends in any second, however requests arrive", () => {
		const s = new SendSchedule();
		let now = 0;
		const sends: number[] = [];
		for (let i = 0; i < 500; i++) {
			now += Math.floor(Math.random() * 300); // arrivals: bursts and gaps
			sends.push(now + s.reserve(now));
		}
		expect(maxInWindow(sends, WINDOW_MS + MARGIN_MS)).toBeLessThanOrEqual(PER_WINDOW);
	});

	it("holds every send back during a 429 pause", () => {
		const s = new SendSchedule();
		s.reserve(0);
		s.pause(0, 5000);
		expect(s.reserve(10)).toBe(4990);
		expect(s.reserve(20)).toBe(4980);
	});
});

describe("NotionRateLimiter (Durable Object)", () => {
	it("hands out one shared schedule to every caller", async () => {
		const ns = (env as unknown as NotionBindings).NOTION_RATE_LIMITER as DurableObjectNamespace<
			import("../../workers/notion/notion/limiter").NotionRateLimiter
		>;
		const stub = ns.get(ns.idFromName("limiter-test"));
		const waits = await Promise.all(Array.from({ length: 6 }, () => stub.reserve()));
		const sorted = [...waits].sort((a, b) => a - b);
		expect(sorted.slice(0, 3).every((w) => w < 50)).toBe(true);
		expect(sorted.slice(3).every((w) => w >= WINDOW_MS)).toBe(true);
	});
});
