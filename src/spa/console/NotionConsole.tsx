/**
 * /console/notion — the operator's Notion console: set automations up, watch
 * their runs live and replay them, and see the rate limit's budget. Loaded on
 * demand (React.lazy in App.tsx), so none of it weighs on the first page.
 *
 * Everything it shows needs KILN_OPERATOR_TOKEN, asked once and kept in this
 * tab's sessionStorage: closing the tab forgets it.
 */
import { type FormEvent, useCallback, useEffect, useMemo, useState } from "react";
import { Header } from "../components/Header";
import { TabList } from "../components/Tabs";
import type { ApiError } from "../lib/api";
import { type ConsoleApi, consoleApi, operatorToken } from "./api";
import { BudgetPanel } from "./BudgetPanel";
import { RunsPanel } from "./RunsPanel";
import { SetupPanel } from "./SetupPanel";
import "./console.css";

type Tab = "setup" | "runs" | "budget";
const TABS: { id: Tab; label: string }[] = [
	{ id: "setup", label: "Setup" },
	{ id: "runs", label: "Runs" },
	{ id: "budget", label: "Budget" },
];

export function NotionConsole() {
	const [token, setToken] = useState(() => operatorToken.get());
	const [tab, setTab] = useState<Tab>("setup");
	const signOut = useCallback(() => {
		operatorToken.clear();
		setToken(null);
	}, []);
	useEffect(() => {
		document.title = "Notion console — Kiln";
	}, []);
	const api = useMemo(() => (token ? consoleApi(token) : null), [token]);
	return (
		<>
			<Header>
				<span className="console-title">Notion console</span>
				{api && (
					<button type="button" className="btn btn-quiet btn-small" onClick={signOut}>
						Sign out
					</button>
				)}
			</Header>
			<main className="console" id="main">
				{!api ? (
					<SignIn
						onSignedIn={(t) => {
							operatorToken.set(t);
							setToken(t);
						}}
					/>
				) : (
					<>
						<TabList tabs={TABS} selected={tab} onSelect={setTab} label="Console sections" idPrefix="console" />
						<section
							className="console-panel"
							role="tabpanel"
							id="console-panel"
							aria-labelledby={`console-tab-${tab}`}
						>
							<Panel tab={tab} api={api} onUnauthorized={signOut} />
						</section>
					</>
				)}
			</main>
		</>
	);
}

function Panel({ tab, api, onUnauthorized }: { tab: Tab; api: ConsoleApi; onUnauthorized: () => void }) {
	if (tab === "setup") return <SetupPanel api={api} onUnauthorized={onUnauthorized} />;
	if (tab === "runs") return <RunsPanel api={api} onUnauthorized={onUnauthorized} />;
	return <BudgetPanel api={api} onUnauthorized={onUnauthorized} />;
}

/** Asks for the operator token and checks it against the Worker before keeping it. */
function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
	const [value, setValue] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const submit = async (e: FormEvent) => {
		e.preventDefault();
		const token = value.trim();
		if (!token) return;
		setBusy(true);
		setError(null);
		try {
			await consoleApi(token).setup();
			onSignedIn(token);
		} catch (err) {
			setError((err as ApiError).message);
		} finally {
			setBusy(false);
		}
	};
	return (
		<form className="console-signin" onSubmit={submit}>
			<h1>Notion console</h1>
			<p>
				For the person running this Kiln. Enter the operator token (<code>KILN_OPERATOR_TOKEN</code>); it is kept for
				this tab only.
			</p>
			<label htmlFor="operator-token">Operator token</label>
			<input
				id="operator-token"
				type="password"
				autoComplete="off"
				value={value}
				onChange={(e) => setValue(e.target.value)}
				required
			/>
			{error && (
				<p className="console-error" role="alert">
					{error}
				</p>
			)}
			<button type="submit" className="btn btn-primary" disabled={busy}>
				{busy ? "Checking…" : "Open the console"}
			</button>
		</form>
	);
}
