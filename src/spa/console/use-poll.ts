import { useEffect, useRef } from "react";

/**
 * Calls `tick` now and then every `ms` while the tab is visible (a hidden tab
 * asks nothing), and once more when it comes back. Each tick gets a signal
 * that aborts when the component unmounts or `deps` change.
 *
 * Polling rather than Server-Sent Events: a Worker holding a stream open per
 * console tab would keep an isolate busy for the whole session for changes that
 * come a few a second at most, while a poll is one indexed D1 read
 * (`updated_at >= cursor`) every few seconds that survives deploys and reloads
 * with no reconnection logic.
 */
export function usePoll(tick: (signal: AbortSignal) => Promise<void>, ms: number, deps: readonly unknown[]): void {
	const latest = useRef(tick);
	latest.current = tick;
	useEffect(() => {
		const abort = new AbortController();
		let timer: ReturnType<typeof setTimeout> | undefined;
		let running = false;
		const run = async () => {
			clearTimeout(timer);
			if (abort.signal.aborted) return;
			if (document.visibilityState === "visible" && !running) {
				running = true;
				try {
					await latest.current(abort.signal);
				} catch {
					// The tick shows its own errors; the poll goes on.
				} finally {
					running = false;
				}
			}
			if (!abort.signal.aborted) timer = setTimeout(run, ms);
		};
		const onVisible = () => {
			if (document.visibilityState === "visible") run();
		};
		document.addEventListener("visibilitychange", onVisible);
		run();
		return () => {
			abort.abort();
			clearTimeout(timer);
			document.removeEventListener("visibilitychange", onVisible);
		};
	}, [ms, ...deps]);
}
