/**
 * The soak's only source of randomness, so that a seed replays a run: the
 * same operations in the same order per client, and the same fault schedule.
 * (What a seed cannot replay is timing: two cores shared with other work
 * interleave the clients differently each time.) mulberry32: tiny, fast and
 * good enough for picking operations.
 */
export interface Rng {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [lo, hi], both included. */
	int(lo: number, hi: number): number;
	pick<T>(items: readonly T[]): T;
	chance(p: number): boolean;
	/** An independent stream for `label` (one per client, one for faults): adding one leaves the others alone. */
	fork(label: string): Rng;
}

export function rng(seed: number): Rng {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		pick: (items) => items[Math.floor(next() * items.length)],
		chance: (p) => next() < p,
		fork: (label) => rng(hashSeed(seed, label)),
	};
}

/** FNV-1a of the label, mixed with the seed. */
function hashSeed(seed: number, label: string): number {
	let h = 0x811c9dc5 ^ seed;
	for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
	return h >>> 0;
}
