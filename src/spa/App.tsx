/**
 * The SPA's root: the route, the one generation that may be running (it
 * outlives navigation: a new project's page opens while its first version is
 * still being written), the server's config, and rate-limit state.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { Header } from "./components/Header";
import { Home } from "./components/Home";
import { Link } from "./components/Link";
import { errorKind } from "./components/Notice";
import { ToastProvider } from "./components/Toast";
import { Workspace } from "./components/Workspace";
import { type Config, fetchConfig } from "./lib/api";
import { navigate, parseRoute, projectPath, usePathname } from "./lib/router";
import { useGeneration } from "./lib/use-generation";

// The operator's console loads only when opened: the first page's budget stays the prompt's.
const NotionConsole = lazy(() => import("./console/NotionConsole").then((m) => ({ default: m.NotionConsole })));

export function App() {
	const route = parseRoute(usePathname());
	const { generation, start, stop, reset } = useGeneration();
	const [config, setConfig] = useState<Config | null>(null);
	const [retryAt, setRetryAt] = useState<number | null>(null);

	useEffect(() => {
		const abort = new AbortController();
		fetchConfig(abort.signal).then(setConfig, () => {});
		return () => abort.abort();
	}, []);

	// A 429 says how long to wait: hold the send buttons until then.
	useEffect(() => {
		const err = generation.error;
		if (generation.status === "error" && err && errorKind(err) === "rate-limited") {
			const at = Date.now() + (err.retryAfter ?? 10) * 1000;
			setRetryAt(at);
			const t = setTimeout(() => setRetryAt(null), at - Date.now());
			return () => clearTimeout(t);
		}
	}, [generation.status, generation.error]);

	// The project page and the console name themselves.
	const namesItself = route.name === "project" || route.name === "notion-console";
	useEffect(() => {
		if (!namesItself) document.title = "Kiln — describe an app, watch it being written";
	}, [namesItself]);

	const generateNew = useCallback(
		(prompt: string) =>
			start(
				{ prompt },
				{
					onStart: (project) => navigate(projectPath(project)),
					// Only if the page is still on it: someone who went Back stays where they went.
					onDone: (project, version) => {
						if (onProjectPage(project)) navigate(projectPath(project, version), { replace: true });
					},
				},
			),
		[start],
	);

	const followUp = useCallback(
		(project: string, prompt: string, fromVersion: number | undefined) =>
			start(
				{ prompt, project, ...(fromVersion ? { fromVersion } : {}) },
				{
					onDone: (p, version) => {
						if (onProjectPage(p)) navigate(projectPath(p, version));
					},
				},
			),
		[start],
	);

	/** Runs the last request again: a new app again, or the same follow-up. */
	const retry = useCallback(() => {
		const req = generation.request;
		if (!req) return;
		if (req.project) followUp(req.project, req.prompt, req.fromVersion);
		else {
			// The failed app was never stored: its page (and history entry) has nothing to show. The new
			// attempt is a new app, shown (and refused, if it is) where new apps start, until its page opens.
			navigate("/", { replace: true });
			generateNew(req.prompt);
		}
	}, [generation.request, followUp, generateNew]);

	let page: React.ReactNode;
	if (route.name === "home") {
		page = (
			<Home
				config={config}
				generation={generation.project ? { ...generation, status: "idle", error: null } : generation}
				retryAt={retryAt}
				onGenerate={generateNew}
				onStop={stop}
				onDismiss={reset}
			/>
		);
	} else if (route.name === "project") {
		page = (
			<Workspace
				key={route.project}
				project={route.project}
				routeVersion={route.version}
				generation={generation}
				retryAt={retryAt}
				onFollowUp={(prompt, from) => followUp(route.project, prompt, from)}
				onRetry={retry}
				onStop={stop}
				onDismiss={reset}
				servers={config?.servers ?? null}
			/>
		);
	} else if (route.name === "notion-console") {
		page = (
			<Suspense fallback={<Header />}>
				<NotionConsole />
			</Suspense>
		);
	} else {
		page = (
			<>
				<Header showNew />
				<main className="empty-page" id="main">
					<h1>Nothing here</h1>
					<p>
						There is no page at <code>{route.path}</code>.
					</p>
					<Link to="/" className="btn btn-primary">
						Make a new app
					</Link>
				</main>
			</>
		);
	}
	return (
		<ToastProvider>
			<a className="skip-link" href="#main">
				Skip to content
			</a>
			{page}
		</ToastProvider>
	);
}

/** Whether the page shows this project (any of its versions). */
function onProjectPage(project: string): boolean {
	const here = parseRoute(location.pathname);
	return here.name === "project" && here.project === project;
}
