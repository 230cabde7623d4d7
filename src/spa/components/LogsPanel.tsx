/**
 * The app server's recent requests (the Logs tab, beside the preview, shown
 * only where this browser holds the edit token): newest first, each with its
 * method, path, status and duration, what the app printed and the errors it
 * did not catch. Refreshed every few seconds while the tab is open and the
 * page is visible.
 */
import { useCallback, useEffect, useState } from "react";
import type { LogEntryJson } from "../../shared/secrets";
import { ApiError } from "../lib/api";
import { formatAgo, formatMs } from "../lib/format";
import { fetchLogs } from "../lib/owner-api";

/** How often the open panel asks again. */
export const LOGS_REFRESH_MS = 2000;

export function LogsPanel({ project, editToken }: { project: string; editToken: string }) {
	const [entries, setEntries] = useState<LogEntryJson[] | null>(null);
	const [error, setError] = useState<ApiError | null>(null);

	const load = useCallback(
		async (signal: AbortSignal) => {
			try {
				setEntries((await fetchLogs(project, editToken, signal)).entries);
				setError(null);
			} catch (err) {
				if (err instanceof ApiError && err.code !== "aborted") setError(err);
			}
		},
		[project, editToken],
	);

	useEffect(() => {
		const abort = new AbortController();
		void load(abort.signal);
		const timer = setInterval(() => {
			if (document.visibilityState === "visible") void load(abort.signal);
		}, LOGS_REFRESH_MS);
		return () => {
			clearInterval(timer);
			abort.abort();
		};
	}, [load]);

	return (
		<section className="owner-panel logs-panel" aria-label="Server log">
			<p className="owner-intro">
				Requests to this app's server, newest first, with what it printed (<code>console.log</code>) and its errors. The
				last 200 requests of the last day; secret values are hidden.
			</p>
			{error && (
				<div className="notice notice-warn" role="alert">
					<p className="notice-body">{error.message}</p>
				</div>
			)}
			{entries === null ? (
				!error && <p className="code-waiting">Loading the log…</p>
			) : entries.length === 0 ? (
				<p className="owner-empty">
					No requests yet. When the app's page calls its server (<code>api/...</code>), each request shows here.
				</p>
			) : (
				<ol className="log-list" aria-label="Requests, newest first">
					{entries.map((e) => (
						<LogEntry key={e.id} entry={e} />
					))}
				</ol>
			)}
		</section>
	);
}

function LogEntry({ entry: e }: { entry: LogEntryJson }) {
	const failed = e.status !== null && e.status >= 500;
	return (
		<li className="log-entry" data-status={e.status ?? undefined} data-failed={failed || undefined}>
			<div className="log-head">
				<span className="mono log-method">{e.method}</span>
				<span className="mono log-path">{e.path}</span>
				<span className="mono log-status">{e.status ?? "…"}</span>
				{e.durationMs !== null && <span className="log-meta">{formatMs(e.durationMs)}</span>}
				{e.version !== null && <span className="log-meta">v{e.version}</span>}
				<time className="log-meta log-time" dateTime={new Date(e.at).toISOString()}>
					{formatAgo(e.at)}
				</time>
			</div>
			{(e.logs.length > 0 || e.errors.length > 0) && (
				<pre className="log-output">
					{e.logs.map((l, i) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: an entry's lines never change or move
						<span key={`l${i}-${l.at}`} className="log-line" data-level={l.level}>
							{l.message}
							{"\n"}
						</span>
					))}
					{e.errors.map((x, i) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: an entry's errors never change or move
						<span key={`e${i}-${x.name}`} className="log-line" data-level="error">
							{`Uncaught ${x.name}: ${x.message}`}
							{x.stack ? `\n${x.stack}` : ""}
							{"\n"}
						</span>
					))}
				</pre>
			)}
			{e.truncated && <p className="log-meta">Some of this request's output was left out (too long).</p>}
		</li>
	);
}
