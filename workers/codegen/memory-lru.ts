/**
 * What an isolate keeps in memory of immutable things (pinned versions): least
 * recently used first out, within a byte budget. A hit costs no I/O at all;
 * a miss falls through to the caller's slower source (Workers cache, D1).
 */
export class MemoryLru<T> {
	private readonly entries = new Map<string, { value: T; bytes: number }>();
	private bytes = 0;

	/** `budgetBytes` in all; one entry over an eighth of it is not kept. */
	constructor(private readonly budgetBytes: number) {}

	get(key: string): T | undefined {
		const hit = this.entries.get(key);
		if (!hit) return undefined;
		// Most recently used last.
		this.entries.delete(key);
		this.entries.set(key, hit);
		return hit.value;
	}

	/** Keeps `value` (about `bytes` big) unless it is already kept or too big, dropping the oldest to fit. */
	set(key: string, value: T, bytes: number): void {
		if (this.entries.has(key) || bytes > this.budgetBytes / 8) return;
		this.entries.set(key, { value, bytes });
		this.bytes += bytes;
		for (const [k, v] of this.entries) {
			if (this.bytes <= this.budgetBytes) break;
			this.entries.delete(k);
			this.bytes -= v.bytes;
		}
	}
}
