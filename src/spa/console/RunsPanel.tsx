/**
 * Runs: the event log as a live table (new events and new statuses appear
 * without a reload: a poll of what changed since the last answer's cursor),
 * filtered by route and status; counts per route for the last 24 hours; and
 * one run's payload, Notion requests, error in words, and Replay.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import {
	EVENT_STATUSES,
	type EventDetailJson,
	type EventStatus,
	type EventSummaryJson,
	type StatsJson,
} from "../../shared/notion-console";
import type { ConsoleApi } from "./api";
import { mergeEvents } from "./model";
import { useFailure } from "./use-failure";
import { usePoll } from "./use-poll";
import { errorInWords, statusInWords } from "./words";

const LIVE_MS = 1500;
const STATS_MS = 5000;
const SHOWN = 200;

export function RunsPanel({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
	const [path, setPath] = useState("");
	const [status, setStatus] = useState<EventStatus | "">("");
	const [table, setTable] = useState<Map<string, EventSummaryJson> | null>(null);
	// Where the next poll asks "what changed since"; null until the table's first answer.
	const cursor = useRef<number | null>(null);
	const [selected, setSelected] = useState<string | null>(null);
	const [stats, setStats] = useState<StatsJson | null>(null);
	// Bumped when the live table sees a change, so the counts follow at once.
	const [statsVersion, setStatsVersion] = useState(0);
	const known = useRef(table);
	known.current = table;
	const { error, fail, clear } = useFailure(onUnauthorized);

	// A new filter starts a new table: the newest events that match it, and a cursor.
	useEffect(() => {
		const abort = new AbortController();
		setTable(null);
		cursor.current = null;
		api.events({ path: path || undefined, status: status || undefined }, abort.signal).then((list) => {
			setTable(mergeEvents(new Map(), list.events));
			cursor.current = list.cursor;
			clear();
		}, fail);
		return () => abort.abort();
	}, [api, path, status, fail, clear]);

	usePoll(
		async (signal) => {
			for (let since = cursor.current; since !== null; ) {
				const page = await api.changes(since, path || undefined, signal).catch((e) => {
					fail(e);
					throw e;
				});
				if (signal.aborted) return;
				// The answer repeats the event at the cursor (since is inclusive): only a newer state is news.
				const news = page.events.some((e) => (known.current?.get(e.id)?.updatedAt ?? "") < e.updatedAt);
				if (news) setStatsVersion((v) => v + 1);
				setTable((t) => mergeEvents(t ?? new Map(), page.events));
				cursor.current = since = page.cursor;
				if (!page.more) break;
			}
		},
		LIVE_MS,
		[api, path, status],
	);

	usePoll((signal) => api.stats(signal).then(setStats, fail), STATS_MS, [api, statsVersion]);

	const rows = useMemo(
		() =>
			[...(table?.values() ?? [])]
				.filter((e) => !status || e.status === status)
				.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1))
				.slice(0, SHOWN),
		[table, status],
	);
	const chosen = selected ? (table?.get(selected) ?? null) : null;
	const routes = stats?.routes.map((r) => r.route) ?? [];

	return (
		<div className="console-stack">
			{stats && <Counts stats={stats} />}
			<div className="console-filters">
				<div>
					<label htmlFor="runs-route">Route</label>
					<select id="runs-route" value={path} onChange={(e) => setPath(e.target.value)}>
						<option value="">All routes</option>
						{routes.map((r) => (
							<option key={r} value={r}>
								{r}
							</option>
						))}
					</select>
				</div>
				<div>
					<label htmlFor="runs-status">Status</label>
					<select id="runs-status" value={status} onChange={(e) => setStatus(e.target.value as EventStatus | "")}>
						<option value="">Any status</option>
						{EVENT_STATUSES.map((s) => (
							<option key={s} value={s}>
								{s}
							</option>
						))}
					</select>
				</div>
				<span className="console-muted" aria-live="polite">
					{table ? `${rows.length} shown, live` : "Loading…"}
				</span>
			</div>
			{error && <p className="console-error">{error}</p>}
			<div className="console-split">
				<table className="console-table" aria-label="Runs">
					<thead>
						<tr>
							<th scope="col">Received</th>
							<th scope="col">Route</th>
							<th scope="col">Status</th>
							<th scope="col">Attempts</th>
							<th scope="col">Error</th>
						</tr>
					</thead>
					<tbody>
						{rows.map((e) => (
							<tr key={e.id} aria-selected={e.id === selected} data-event={e.id}>
								<td>
									<button type="button" className="console-link" onClick={() => setSelected(e.id)}>
										{new Date(e.createdAt).toLocaleTimeString()}
									</button>
								</td>
								<td>
									<code>{e.route}</code>
									{e.type && <span className="console-muted"> {e.type}</span>}
								</td>
								<td>
									<span className={`console-status console-status-${e.status}`}>{e.status}</span>
								</td>
								<td>{e.attempts}</td>
								<td className="console-cut">{e.lastError ?? ""}</td>
							</tr>
						))}
						{table && rows.length === 0 && (
							<tr>
								<td colSpan={5} className="console-muted">
									No runs{path || status ? " match these filters" : " yet"}.
								</td>
							</tr>
						)}
					</tbody>
				</table>
				{chosen && <RunDetail key={chosen.id} api={api} event={chosen} onUnauthorized={onUnauthorized} />}
			</div>
		</div>
	);
}

function Counts({ stats }: { stats: StatsJson }) {
	return (
		<table className="console-table console-counts" aria-label="Runs per route, last 24 hours">
			<caption>Last 24 hours</caption>
			<thead>
				<tr>
					<th scope="col">Route</th>
					<th scope="col">Total</th>
					{EVENT_STATUSES.map((s) => (
						<th scope="col" key={s}>
							{s}
						</th>
					))}
				</tr>
			</thead>
			<tbody>
				{stats.routes.map((r) => (
					<tr key={r.route} data-route={r.route}>
						<th scope="row">
							<code>{r.route}</code>
						</th>
						<td>{r.total}</td>
						{EVENT_STATUSES.map((s) => (
							<td key={s}>{r.byStatus[s] || ""}</td>
						))}
					</tr>
				))}
			</tbody>
		</table>
	);
}

function RunDetail({
	api,
	event,
	onUnauthorized,
}: {
	api: ConsoleApi;
	event: EventSummaryJson;
	onUnauthorized: () => void;
}) {
	const [detail, setDetail] = useState<EventDetailJson["event"] | null>(null);
	const [replaying, setReplaying] = useState(false);
	const { error, fail, clear } = useFailure(onUnauthorized);
	// Read again whenever the live table says the event changed.
	// biome-ignore lint/correctness/useExhaustiveDependencies: updatedAt is the point: a change means new requests.
	useEffect(() => {
		const abort = new AbortController();
		api.event(event.id, abort.signal).then((d) => setDetail(d.event), fail);
		return () => abort.abort();
	}, [api, event.id, event.updatedAt, fail]);
	const words = errorInWords(event.lastError);
	const busy = event.status === "running" || event.status === "pending";
	return (
		<section className="console-card console-detail" aria-label="Run" data-testid="run-detail">
			<h3>
				<code>{event.route}</code>{" "}
				<span className={`console-status console-status-${event.status}`}>{event.status}</span>
			</h3>
			<p className="console-muted">
				<code>{event.id}</code> · {event.attempts} attempt{event.attempts === 1 ? "" : "s"} · received{" "}
				{new Date(event.createdAt).toLocaleString()}
			</p>
			{event.lastError && (
				<div className={event.status === "failed" ? "console-error" : "console-muted"}>
					{words && <p data-testid="error-in-words">{words}</p>}
					<p>
						<code>{event.lastError}</code>
					</p>
				</div>
			)}
			<button
				type="button"
				className="btn btn-primary"
				disabled={busy || replaying}
				onClick={async () => {
					setReplaying(true);
					clear();
					try {
						await api.replay(event.id);
					} catch (err) {
						fail(err);
					} finally {
						setReplaying(false);
					}
				}}
			>
				{busy ? "Running…" : "Replay"}
			</button>
			{error && (
				<p className="console-error" role="alert">
					{error}
				</p>
			)}
			<h4>Notion requests</h4>
			{!detail ? (
				<p className="console-muted">Loading…</p>
			) : detail.requests.length === 0 ? (
				<p className="console-muted">None recorded.</p>
			) : (
				<table className="console-table" aria-label="Notion requests">
					<thead>
						<tr>
							<th scope="col">Attempt</th>
							<th scope="col">Request</th>
							<th scope="col">Answer</th>
							<th scope="col">Time</th>
						</tr>
					</thead>
					<tbody>
						{detail.requests.map((r, i) => (
							// biome-ignore lint/suspicious/noArrayIndexKey: requests are listed in the order they were made.
							<tr key={i}>
								<td>{r.attempt}</td>
								<td>
									<code>
										{r.method} {r.path}
									</code>
								</td>
								<td>
									{r.status ?? "—"} {statusInWords(r.status)}
									{r.error && <div className="console-muted">{r.error}</div>}
								</td>
								<td>{r.durationMs} ms</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			<h4>Payload</h4>
			<pre className="console-payload">{detail ? JSON.stringify(detail.payload, null, 2) : "…"}</pre>
		</section>
	);
}
