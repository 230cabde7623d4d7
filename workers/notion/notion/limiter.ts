/**
 * Notion allows an integration about three requests a second. The budget is
 * the integration's, not an isolate's: Workers run many isolates at once, so
 * the schedule lives in one Durable Object per integration token, and every
 * Notion request (a first try or a retry, from the queue consumer, the sweep
 * or anywhere else) first asks it for a send time.
 */
import { DurableObject } from "cloudflare:workers";
import { sha256Hex } from "../../../src/shared/hash";

/** At most PER_WINDOW sends in any WINDOW_MS... */
export const PER_WINDOW = 3;
export const WINDOW_MS = 1000;
/** ...with this much slack, so that jitter between our clock and Notion's arrival times can't squeeze a fourth in. */
export const MARGIN_MS = 75;

/**
 * A sliding-window schedule of send times: the n-th send is no earlier than
 * the (n-3)-th plus a window, and no earlier than a pause Notion asked for.
 * Sends come out in order, so any window of WINDOW_MS + MARGIN_MS holds at most
 * PER_WINDOW of them; a burst of three goes out at once.
 */
export class SendSchedule {
	private granted: number[] = [];
	private pausedUntil = 0;

	/** Reserves the next send; returns how many ms the caller must wait before sending. */
	reserve(now: number): number {
		let at = Math.max(now, this.pausedUntil);
		if (this.granted.length >= PER_WINDOW) {
			at = Math.max(at, this.granted[this.granted.length - PER_WINDOW] + WINDOW_MS + MARGIN_MS);
		}
		this.granted.push(at);
		if (this.granted.length > PER_WINDOW) this.granted.shift();
		return at - now;
	}

	/** Notion answered 429: nobody sends for `ms`. */
	pause(now: number, ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, now + ms);
	}
}

/** The rate limiter: one instance per integration (named by a hash of its token). */
export class NotionRateLimiter extends DurableObject {
	private schedule = new SendSchedule();

	reserve(): number {
		return this.schedule.reserve(Date.now());
	}

	pause(ms: number): void {
		this.schedule.pause(Date.now(), ms);
	}
}

/** What the Notion client needs from a limiter. */
export interface Limiter {
	/** Resolves when the caller may send one request. */
	acquire(): Promise<void>;
	/** Tells every sender to hold off for `ms` (a 429's Retry-After). */
	pause(ms: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The Durable Object limiter for a token. */
export async function durableLimiter(ns: DurableObjectNamespace<NotionRateLimiter>, token: string): Promise<Limiter> {
	const stub = ns.get(ns.idFromName(`notion:${await sha256Hex(token)}`));
	return {
		async acquire() {
			const wait = await stub.reserve();
			if (wait > 0) await sleep(wait);
		},
		async pause(ms) {
			await stub.pause(ms);
		},
	};
}

const local = new SendSchedule();

/**
 * An in-isolate limiter, for a Worker deployed without the Durable Object
 * binding: it keeps one isolate in budget, not the whole integration.
 */
export const isolateLimiter: Limiter = {
	async acquire() {
		const wait = local.reserve(Date.now());
		if (wait > 0) await sleep(wait);
	},
	async pause(ms) {
		local.pause(Date.now(), ms);
	},
};
