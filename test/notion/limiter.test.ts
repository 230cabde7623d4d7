// The rate limiter: at most three units of budget out at once, each back one
// second after its request finished, so Notion never sees more than three
// requests in any second however the network delays them. The Budget is
// tested on a simulated clock; the Durable Object over RPC.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Budget, LEASE_MS, MARGIN_MS, PER_WINDOW, WINDOW_MS } from "../../workers/notion/api/limiter";

/** The most arrivals inside any half-open window [t, t + 1000). */
function maxPerSecond(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= WINDOW_MS) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
}

describe("Budget", () => {
	it("hands out three units at once, then the fourth one second after a request finishes", () => {
		const b = new Budget();
		const t = [b.tryAcquire(0), b.tryAcquire(0), b.tryAcquire(0)];
		expect(t.every((r) => "ticket" in r)).toBe(true);
		expect(b.tryAcquire(0)).toEqual({ retryAt: LEASE_MS });
		b.release((t[0] as { ticket: number }).ticket, 200);
		expect(b.tryAcquire(200 + WINDOW_MS)).toEqual({ retryAt: 200 + WINDOW_MS + MARGIN_MS });
		expect("ticket" in b.tryAcquire(200 + WINDOW_MS + MARGIN_MS)).toBe(true);
	});

	it("takes back a unit whose holder never finished, after the lease", () => {
		const b = new Budget();
		for (let i = 0; i < PER_WINDOW; i++) b.tryAcquire(0);
		expect("ticket" in b.tryAcquire(LEASE_MS)).toBe(true);
	});

	it("holds everyone back during a 429 pause", () => {
		const b = new Budget();
		b.pause(0, 5000);
		expect(b.tryAcquire(10)).toEqual({ retryAt: 5000 });
		expect("ticket" in b.tryAcquire(5000)).toBe(true);
	});

	it("never lets more than three requests arrive in any second, whatever the delays", () => {
		// A simulated run: 400 requests with random network delays; each arrives
		// somewhere between being sent and its answer coming back.
		const b = new Budget();
		let now = 0;
		const arrivals: number[] = [];
		const inFlight: { ticket: number; done: number }[] = [];
		let sent = 0;
		while (sent < 400) {
			inFlight.sort((x, y) => x.done - y.done);
			while (inFlight.length && inFlight[0].done <= now)
				b.release((inFlight.shift() as { ticket: number }).ticket, now);
			const r = b.tryAcquire(now);
			if ("ticket" in r) {
				const latency = 5 + Math.random() * 600;
				arrivals.push(now + Math.random() * latency);
				inFlight.push({ ticket: r.ticket, done: now + latency });
				sent++;
			} else {
				now = Math.min(r.retryAt, ...inFlight.map((f) => f.done));
			}
		}
		expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(PER_WINDOW);
	});
});

describe("NotionRateLimiter (Durable Object)", () => {
	it("shares one budget among all callers, first come first served", async () => {
		const ns = env.NOTION_RATE_LIMITER;
		const stub = ns.get(ns.idFromName("limiter-test"));
		const tickets = await Promise.all(Array.from({ length: 3 }, () => stub.acquire()));
		expect(new Set(tickets).size).toBe(3);
		// The fourth waits for a release, plus a second.
		const fourth = stub.acquire().then(() => Date.now());
		await new Promise((r) => setTimeout(r, 100));
		const releasedAt = Date.now();
		await stub.release(tickets[0]);
		expect((await fourth) - releasedAt).toBeGreaterThanOrEqual(WINDOW_MS);
	});
});
