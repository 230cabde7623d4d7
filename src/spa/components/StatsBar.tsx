/**
 * Generation speed, each figure under its own label: time to first token,
 * tokens per second, total output tokens, and total seconds. While an answer
 * streams, the browser's own clock fills in what it can; the server's figures
 * replace them when the version is stored.
 */
import { useEffect, useState } from "react";
import type { GenerationStats } from "../../shared/api";
import { formatInt, formatMs, formatSeconds } from "../lib/format";

export interface LiveTiming {
	startedAt: number;
	firstTokenAt: number | null;
}

export function StatsBar({
	stats,
	live,
	source,
}: {
	stats: GenerationStats | null;
	/** Set while streaming. */
	live?: LiveTiming | null;
	/** What the figures describe, e.g. "v2" or "Writing…". */
	source: string;
}) {
	const now = useNow(Boolean(live));
	let ttft: string = "—";
	let tps: string = "—";
	let tokens: string = "—";
	let seconds: string = "—";
	if (live) {
		if (live.firstTokenAt !== null) ttft = formatMs(live.firstTokenAt - live.startedAt);
		seconds = formatSeconds(now - live.startedAt);
	} else if (stats) {
		ttft = formatMs(stats.ttftMs);
		// Starter apps are stored, not written: no tokens to count.
		if (stats.outputTokens > 0) {
			tps = formatInt(stats.tokensPerSecond);
			tokens = formatInt(stats.outputTokens);
		}
		seconds = formatSeconds(stats.durationMs);
	}
	return (
		<section className="stats" aria-label={`Generation stats: ${source}`} data-live={live ? "" : undefined}>
			<dl className="stats-list">
				<Stat label="Time to first token" value={ttft} />
				<Stat label="Tokens per second" value={tps} />
				<Stat label="Tokens" value={tokens} />
				<Stat label="Seconds" value={seconds} />
			</dl>
			<span className="stats-source">{source}</span>
		</section>
	);
}

function Stat({ label, value }: { label: string; value: string }) {
	return (
		<div className="stat" data-stat={label}>
			<dt>{label}</dt>
			<dd>{value}</dd>
		</div>
	);
}

function useNow(ticking: boolean): number {
	const [now, setNow] = useState(() => performance.now());
	useEffect(() => {
		if (!ticking) return;
		let frame = 0;
		const tick = () => {
			setNow(performance.now());
			frame = window.setTimeout(tick, 100);
		};
		tick();
		return () => clearTimeout(frame);
	}, [ticking]);
	return now;
}
