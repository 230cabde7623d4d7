/**
 * The limits an app's server runs under. `cpuMs` and `subRequests` are passed
 * to the loader, which Cloudflare enforces (a local workerd does not: there a
 * busy loop runs on); the wall clock and the response cap are Kiln's own and
 * hold everywhere.
 */
export const SANDBOX_LIMITS = { cpuMs: 50, subRequests: 20 } as const;

/** Default wall clock for one request to an app's server (`APP_SERVER_TIMEOUT_MS`). */
export const DEFAULT_WALL_CLOCK_MS = 10_000;

/** Most bytes of one answer of an app's server: it is buffered, so a failure can still be a JSON error. */
export const MAX_APP_RESPONSE_BYTES = 1024 * 1024;

/** An app's own outbound fetches: each within this time and size. */
export const APP_OUTBOUND = { timeoutMs: 5_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 } as const;

/** The wall clock from the setting, or the default. */
export function wallClockMs(setting: string | undefined): number {
	const n = Number(setting);
	return Number.isInteger(n) && n > 0 ? n : DEFAULT_WALL_CLOCK_MS;
}
