/**
 * Notion allows an integration about three requests a second. The budget is
 * the integration's, not an isolate's: Workers run many isolates at once, so
 * the budget lives in one Durable Object per integration token, and every
 * Notion request (a first try or a retry, from the queue consumer, the sweep
 * or anywhere else) holds a unit of it while it runs.
 *
 * The rule: at most three units are out at any time, and a unit comes back
 * one second after its request has finished. A request arrives at Notion
 * between the moment it was sent and the moment its answer came back, so any
 * four arrivals within one second would need four units out at once: Notion
 * never sees more than three requests in any second, whatever the network's
 * delays. The price is throughput: about 3 / (1 s + latency) a second.
 * Hand-written: rate-limit libraries count per process, and the budget must span every isolate.
 */
import { DurableObject } from "cloudflare:workers";
import { sha256Hex } from "../../../src/shared/hash";

export const PER_WINDOW = 3;
export const WINDOW_MS = 1000;
/** Slack for clock granularity between us and the one measuring. */
export const MARGIN_MS = 25;
/** A unit whose holder never says it finished comes back after this long (longer than any request may take). */
export const LEASE_MS = 60_000;

/** What the console shows of the budget (see Budget.snapshot). */
export interface BudgetSnapshot {
	/** Units per window: Notion's three requests a second. */
	limit: number;
	windowMs: number;
	/** Requests sent and not yet answered. */
	inFlight: number;
	/** Units of finished requests, back one window after their answer. */
	coolingDown: number;
	/** Units handed out in the last window. */
	sentLastSecond: number;
	/** A 429's Retry-After still in force: nobody sends for this long. */
	pausedForMs: number;
}

/**
 * The budget, on an explicit clock (so it can be tested without waiting).
 * `tryAcquire` either hands out a ticket or says when to try again (null: when
 * a unit is released).
 */
export class Budget {
	private units: { ticket: number; freeAt: number; released: boolean }[] = [];
	private pausedUntil = 0;
	private nextTicket = 1;
	/** When the units of the last second were handed out (what the console shows as use). */
	private sent: number[] = [];

	tryAcquire(now: number): { ticket: number } | { retryAt: number } {
		this.units = this.units.filter((u) => u.freeAt > now);
		if (now < this.pausedUntil) return { retryAt: this.pausedUntil };
		if (this.units.length < PER_WINDOW) {
			const ticket = this.nextTicket++;
			this.units.push({ ticket, freeAt: now + LEASE_MS, released: false });
			this.sent = [...this.sent.filter((t) => t > now - WINDOW_MS), now];
			return { ticket };
		}
		return { retryAt: Math.min(...this.units.map((u) => u.freeAt)) };
	}

	/** The request with this ticket has finished (answered, failed or timed out). */
	release(ticket: number, now: number): void {
		const unit = this.units.find((u) => u.ticket === ticket);
		if (unit) {
			unit.freeAt = now + WINDOW_MS + MARGIN_MS;
			unit.released = true;
		}
	}

	/** The budget's use now: units held by requests in flight, units cooling down, a pause in force. */
	snapshot(now: number): BudgetSnapshot {
		const out = this.units.filter((u) => u.freeAt > now);
		const inFlight = out.filter((u) => !u.released).length;
		return {
			limit: PER_WINDOW,
			windowMs: WINDOW_MS,
			inFlight,
			coolingDown: out.length - inFlight,
			sentLastSecond: this.sent.filter((t) => t > now - WINDOW_MS).length,
			pausedForMs: Math.max(0, this.pausedUntil - now),
		};
	}

	/** Notion answered 429: nobody sends for `ms`. */
	pause(now: number, ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, now + ms);
	}
}

/**
 * Waits for budget, first come first served: callers queue on a promise
 * chain; the head of the queue sleeps until a unit is due back or one is
 * released, whichever comes first.
 */
export class BudgetGate {
	private budget = new Budget();
	private queue: Promise<unknown> = Promise.resolve();
	private wake: (() => void) | null = null;
	private waiting = 0;

	acquire(): Promise<number> {
		this.waiting++;
		const turn = this.queue.then(() => this.take()).finally(() => this.waiting--);
		this.queue = turn.catch(() => {});
		return turn;
	}

	/** The budget's use now, and how many requests wait for a unit. */
	snapshot(): BudgetSnapshot & { waiting: number } {
		return { ...this.budget.snapshot(Date.now()), waiting: this.waiting };
	}

	private async take(): Promise<number> {
		for (;;) {
			const r = this.budget.tryAcquire(Date.now());
			if ("ticket" in r) return r.ticket;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.max(1, r.retryAt - Date.now()));
				this.wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.wake = null;
		}
	}

	release(ticket: number): void {
		this.budget.release(ticket, Date.now());
		this.wake?.();
	}

	pause(ms: number): void {
		this.budget.pause(Date.now(), ms);
	}
}

/** The rate limiter: one instance per integration (named by a hash of its token). */
export class NotionRateLimiter extends DurableObject {
	private gate = new BudgetGate();

	/** Resolves with a ticket once the caller may send one request. */
	acquire(): Promise<number> {
		return this.gate.acquire();
	}

	release(ticket: number): void {
		this.gate.release(ticket);
	}

	pause(ms: number): void {
		this.gate.pause(ms);
	}

	/** For the console: the budget's use now. */
	snapshot(): BudgetSnapshot & { waiting: number } {
		return this.gate.snapshot();
	}
}

/** What the Notion client needs from a limiter. */
export interface Limiter {
	/** Resolves when the caller may send one request, with the function to call once it has finished. */
	acquire(): Promise<() => Promise<void>>;
	/** Tells every sender to hold off for `ms` (a 429's Retry-After). */
	pause(ms: number): Promise<void>;
}

/** The one rate limiter instance of the integration with this token. */
export async function limiterOf(ns: DurableObjectNamespace<NotionRateLimiter>, token: string) {
	return ns.get(ns.idFromName(`notion:${await sha256Hex(token)}`));
}

/** The Durable Object limiter for a token. */
export async function durableLimiter(ns: DurableObjectNamespace<NotionRateLimiter>, token: string): Promise<Limiter> {
	const stub = await limiterOf(ns, token);
	return {
		async acquire() {
			const ticket = await stub.acquire();
			return async () => {
				await stub.release(ticket);
			};
		},
		async pause(ms) {
			await stub.pause(ms);
		},
	};
}

const local = new BudgetGate();

/**
 * An in-isolate limiter, for a Worker deployed without the Durable Object
 * binding: it keeps one isolate in budget, not the whole integration.
 */
export const isolateLimiter: Limiter = {
	async acquire() {
		const ticket = await local.acquire();
		return async () => local.release(ticket);
	},
	async pause(ms) {
		local.pause(ms);
	},
};
