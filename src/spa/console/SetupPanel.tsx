/**
 * Setup: what to paste into Notion for each automation route (URL with its
 * options, and the header), a test delivery or a dry run per route, whether
 * NOTION_TOKEN works, and the integration subscription's verification.
 */
import { type FormEvent, useEffect, useState } from "react";
import type {
	ConsoleSetupJson,
	DryRunJson,
	TestQueuedJson,
	TokenCheckJson,
	VerificationJson,
} from "../../shared/notion-console";
import { CopyButton } from "../components/CopyButton";
import type { ApiError } from "../lib/api";
import type { ConsoleApi } from "./api";
import { pageIdFrom, routeUrl } from "./model";
import { useFailure } from "./use-failure";
import { statusInWords } from "./words";

export function SetupPanel({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
	const [setup, setSetup] = useState<ConsoleSetupJson | null>(null);
	const { error, fail } = useFailure(onUnauthorized);
	useEffect(() => {
		const abort = new AbortController();
		api.setup(abort.signal).then(setSetup, fail);
		return () => abort.abort();
	}, [api.setup, fail]);
	if (error) return <p className="console-error">{error}</p>;
	if (!setup) return <p className="console-muted">Loading…</p>;
	return (
		<div className="console-stack">
			<section className="console-card" aria-labelledby="settings-title">
				<h2 id="settings-title">Connection</h2>
				<TokenStatus api={api} />
				<Subscription api={api} onUnauthorized={onUnauthorized} />
			</section>
			<section aria-labelledby="routes-title" className="console-stack">
				<h2 id="routes-title">Automation routes</h2>
				<p className="console-muted">
					In Notion, add a <strong>Send webhook</strong> action to a database automation or a button, paste the URL, and
					add the custom header below. Choose the properties to send.
				</p>
				{setup.webhook ? (
					<div className="console-field">
						<span className="console-label">Header</span>
						<code className="console-copyable">{setup.webhook.header}</code>
						<CopyButton text={setup.webhook.header} label="Copy the header name" />
						<span className="console-label">Value</span>
						<code className="console-copyable console-secret">{setup.webhook.value}</code>
						<CopyButton text={setup.webhook.value} label="Copy the header value" />
					</div>
				) : (
					<p className="console-warn">
						<code>NOTION_WEBHOOK_SECRET</code> is not set: every delivery would be refused. Set it, then reload.
					</p>
				)}
				{setup.routes.map((r) => (
					<RouteCard key={r.path} route={r} api={api} onUnauthorized={onUnauthorized} />
				))}
			</section>
		</div>
	);
}

function TokenStatus({ api }: { api: ConsoleApi }) {
	const [check, setCheck] = useState<TokenCheckJson | null>(null);
	useEffect(() => {
		const abort = new AbortController();
		api
			.checkToken(abort.signal)
			.then(setCheck, (e: ApiError) => setCheck({ ok: false, error: { code: e.code, message: e.message } }));
		return () => abort.abort();
	}, [api.checkToken]);
	return (
		<p data-testid="token-status">
			<strong>NOTION_TOKEN</strong>:{" "}
			{!check ? (
				"checking…"
			) : check.ok ? (
				<span className="console-ok">
					works — the integration is “{check.bot.name ?? "unnamed"}” ({check.bot.id})
				</span>
			) : (
				<span className="console-bad">does not work: {check.error.message}</span>
			)}
		</p>
	);
}

function Subscription({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
	const [state, setState] = useState<VerificationJson | null>(null);
	const { error, fail } = useFailure(onUnauthorized);
	const load = (signal?: AbortSignal) => api.verification(signal).then(setState, fail);
	// biome-ignore lint/correctness/useExhaustiveDependencies: loads once per credential.
	useEffect(() => {
		const abort = new AbortController();
		load(abort.signal);
		return () => abort.abort();
	}, [api]);
	const url = `${location.origin}/notion/webhooks`;
	return (
		<div data-testid="subscription">
			<p>
				<strong>Integration subscription</strong> (integration settings → Webhooks, API version 2025-09-03):{" "}
				<code>{url}</code> <CopyButton text={url} label="Copy the subscription URL" />
			</p>
			{error && <p className="console-error">{error}</p>}
			{state &&
				(state.configured ? (
					<p className="console-ok">Verified: NOTION_VERIFICATION_TOKEN is set, and signatures are checked.</p>
				) : state.pending ? (
					<div className="console-field">
						<span className="console-label">Pending verification token</span>
						<code className="console-copyable console-secret">{state.pending.token}</code>
						<CopyButton text={state.pending.token} label="Copy the verification token" />
						<button
							type="button"
							className="btn btn-secondary btn-small"
							onClick={() => api.discardVerification().then(() => load(), fail)}
						>
							Discard
						</button>
						<p className="console-muted console-wide">
							Received {new Date(state.pending.receivedAt).toLocaleString()}. Paste it into Notion's Verify dialog, then
							set it as <code>NOTION_VERIFICATION_TOKEN</code>. Not the one Notion showed? Discard it and press Resend
							in Notion.
						</p>
					</div>
				) : (
					<p className="console-muted">Not verified: no handshake yet. Create the subscription in Notion.</p>
				))}
		</div>
	);
}

function RouteCard({
	route,
	api,
	onUnauthorized,
}: {
	route: ConsoleSetupJson["routes"][number];
	api: ConsoleApi;
	onUnauthorized: () => void;
}) {
	const [options, setOptions] = useState<Record<string, string>>({});
	const [pageId, setPageId] = useState("");
	const [busy, setBusy] = useState(false);
	const [result, setResult] = useState<DryRunJson | TestQueuedJson | null>(null);
	const { error, fail, clear } = useFailure(onUnauthorized);
	const url = routeUrl(location.origin, route.path, options);
	const slug = route.path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "");
	const send = async (dryRun: boolean) => {
		setBusy(true);
		setResult(null);
		clear();
		try {
			const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v.trim() !== ""));
			setResult(await api.test({ route: route.path, pageId: pageId.trim(), options: set, dryRun }));
		} catch (err) {
			fail(err);
		} finally {
			setBusy(false);
		}
	};
	return (
		<article className="console-card" aria-labelledby={`route-${slug}`} data-route={route.path}>
			<h3 id={`route-${slug}`}>
				<code>{route.path}</code>
			</h3>
			<div className="console-field">
				<span className="console-label">URL</span>
				<code className="console-copyable">{url}</code>
				<CopyButton text={url} label={`Copy the URL of ${route.path}`} />
			</div>
			{route.options.length > 0 && (
				<fieldset className="console-options">
					<legend>Options (added to the URL)</legend>
					{route.options.map((o) => (
						<label key={o.name}>
							<span>
								<code>{o.name}</code> — {o.description}
							</span>
							<input
								value={options[o.name] ?? ""}
								onChange={(e) => setOptions({ ...options, [o.name]: e.target.value })}
							/>
						</label>
					))}
				</fieldset>
			)}
			<form
				className="console-test"
				onSubmit={(e: FormEvent) => {
					e.preventDefault();
					send(false);
				}}
			>
				<label>
					<span>Test on a page (its id, or the id at the end of its link)</span>
					<input
						value={pageId}
						onChange={(e) => setPageId(pageIdFrom(e.target.value))}
						placeholder="e.g. 1f2e3d4c5b6a49788796a5b4c3d2e1f0"
						spellCheck={false}
					/>
				</label>
				<button type="button" className="btn btn-secondary" disabled={busy || !pageId} onClick={() => send(true)}>
					Dry run
				</button>
				<button type="submit" className="btn btn-primary" disabled={busy || !pageId}>
					Send test delivery
				</button>
			</form>
			{error && (
				<p className="console-error" role="alert">
					{error}
				</p>
			)}
			{result && "dryRun" in result && <DryRunReport report={result} />}
			{result && !("dryRun" in result) && (
				<p className="console-ok" role="status">
					Queued as event <code>{result.event}</code>: follow it under Runs.
				</p>
			)}
		</article>
	);
}

function DryRunReport({ report }: { report: DryRunJson }) {
	return (
		<div className="console-report" role="status" data-testid="dry-run">
			<p>
				<strong>Dry run</strong> of <code>{report.route}</code>: {report.result.status}
				{report.result.note ? ` — ${report.result.note}` : ""}. Nothing was sent to Notion.
			</p>
			{report.writes.length === 0 ? (
				<p>It would write nothing: the page already shows what this route writes.</p>
			) : (
				<>
					<p>It would write:</p>
					<ol>
						{report.writes.map((w, i) => (
							// biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, in the order it would be sent.
							<li key={i}>
								<code>
									{w.method} {w.path}
								</code>
								<pre>{JSON.stringify(w.body, null, 2)}</pre>
							</li>
						))}
					</ol>
				</>
			)}
			<p className="console-muted">
				Reads it made:{" "}
				{report.requests
					.map((r) => `${r.method} ${r.path} (${r.status ?? "—"} ${statusInWords(r.status)})`)
					.join(", ") || "none"}
			</p>
		</div>
	);
}
