/**
 * A project's page: the follow-up prompt, the stats, the code (streaming or
 * stored), versions and their changes, and the live preview. The version on
 * screen is what a follow-up edits, so editing an older one branches from it.
 * Loading the project is lib/use-project.ts's job.
 */
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { PAGE_FILE, readStream, SERVER_FILE, type StreamView } from "../../shared/answer";
import { type AppFiles, readEdit } from "../../shared/edits";
import { ApiError, type Config, remix } from "../lib/api";
import { getEditToken, rememberApp, saveEditToken } from "../lib/edit-tokens";
import { navigate, projectPath } from "../lib/router";
import type { Generation } from "../lib/use-generation";
import { useMedia } from "../lib/use-media";
import { useProject } from "../lib/use-project";
import { CodeView } from "./CodeView";
import { Header } from "./Header";
import { RemixIcon, ShareIcon } from "./icons";
import { Link } from "./Link";
import { GenerationNotice } from "./Notice";
import { Preview } from "./Preview";
import { ProjectError } from "./ProjectError";
import { PromptForm } from "./PromptForm";
import { ShareDialog } from "./ShareDialog";
import { StatsBar } from "./StatsBar";
import { TabList } from "./Tabs";
import { useToast } from "./Toast";
import { VersionList } from "./VersionList";

// Only the Changes tab needs it (and jsdiff): loaded when first shown, not with the first page.
const DiffView = lazy(() => import("./DiffView").then((m) => ({ default: m.DiffView })));
// The owner's tabs, likewise.
const SecretsPanel = lazy(() => import("./SecretsPanel").then((m) => ({ default: m.SecretsPanel })));
const LogsPanel = lazy(() => import("./LogsPanel").then((m) => ({ default: m.LogsPanel })));

type Tab = "preview" | "code" | "versions" | "changes" | "secrets" | "logs";

export function Workspace({
	project,
	routeVersion,
	generation,
	retryAt,
	onFollowUp,
	onRetry,
	onStop,
	onDismiss,
	servers,
}: {
	project: string;
	/** The version in the URL; null means the latest. */
	routeVersion: number | null;
	generation: Generation;
	retryAt: number | null;
	onFollowUp: (prompt: string, fromVersion: number | undefined) => void;
	/** Sends the failed request again (a new app stays a new app). */
	onRetry: () => void;
	onStop: () => void;
	onDismiss: () => void;
	/** Whether apps' servers can run here (from /api/config; null while it loads). */
	servers: Config["servers"] | null;
}) {
	const narrow = useMedia("(max-width: 899px)");
	// On a phone, someone else's app (no edit token here) opens on what it does, not on its code.
	const [tab, setTab] = useState<Tab>(() => (narrow && !getEditToken(project) ? "preview" : "code"));
	const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
	const [sharing, setSharing] = useState(false);
	const [remixing, setRemixing] = useState(false);
	const toast = useToast();
	const lastPreview = useRef<string | null>(null);
	// The version a follow-up edits, kept for the whole generation: its edit blocks are applied to it.
	const editBase = useRef<{ startedAt: number; files: AppFiles | null }>({ startedAt: -1, files: null });

	const mine = generation.project === project;
	const streaming = mine && generation.status === "streaming";
	const justWrote = mine && generation.status === "done" ? generation.version : null;

	const { data, loadError, code, loadVersion, versions, latest, current, currentSummary } = useProject(
		project,
		routeVersion,
		justWrote,
	);

	// While a version is being written, show its code.
	useEffect(() => {
		if (streaming) setTab("code");
	}, [streaming]);
	useEffect(() => {
		if (!narrow && tab === "preview") setTab("code");
	}, [narrow, tab]);
	// A finished first version on a phone: show what was made.
	useEffect(() => {
		if (justWrote && narrow) setTab("preview");
	}, [justWrote, narrow]);

	const docTitle = data?.project.title || versions[0]?.prompt || project;
	useEffect(() => {
		document.title = `${docTitle}${current ? ` · v${current}` : ""} · Kiln`;
	}, [docTitle, current]);
	// Yours (this browser holds its edit token): listed on the home page.
	const loaded = data?.project.id === project;
	// biome-ignore lint/correctness/useExhaustiveDependencies: a new version (latest) moves it to the top
	useEffect(() => {
		if (loaded && getEditToken(project)) rememberApp(project, docTitle);
	}, [loaded, project, docTitle, latest]);

	if (loadError && !streaming && !(mine && generation.status !== "idle" && !data)) {
		return <ProjectError project={project} error={loadError} disabledReason={data?.project.disabled?.reason} />;
	}

	// A version the project does not have (a mistyped or stale link); not the one just written, still loading.
	if (loaded && routeVersion !== null && !currentSummary && !streaming && justWrote !== routeVersion) {
		return (
			<ProjectError
				project={project}
				error={new ApiError(404, "version_not_found", `This app has no version ${routeVersion}.`)}
				latest={latest}
			/>
		);
	}

	const editToken = getEditToken(project);
	const canEdit = Boolean(editToken);
	const title = data?.project.title || versions[0]?.prompt || (mine ? generation.request?.prompt : "") || project;
	// The streamed text stays on screen until the stored version replaces it (or after a failure).
	const showingStream = streaming || (mine && generation.status !== "idle" && generation.text && !currentSummary);
	const nextNumber = (latest ?? 0) + 1;
	if (editBase.current.startedAt !== generation.startedAt) {
		const from = generation.request?.fromVersion;
		const files = from !== undefined && code?.n === from ? { html: code.code, server: code.server } : null;
		editBase.current = { startedAt: generation.startedAt, files };
	}
	const answer = generation.text.slice(generation.answerFrom);
	const base = editBase.current.files;
	const codeView: StreamView | null = showingStream
		? base
			? readEdit(answer, base)
			: readStream(answer)
		: code && code.n === current
			? storedView(code)
			: null;
	const codeLabel = streaming ? `writing v${nextNumber}` : current ? `v${current}` : "";
	// While a just-written version loads, the previous preview stays rather than flashing empty.
	if (currentSummary) lastPreview.current = currentSummary.appUrl;
	const previewSrc = currentSummary?.appUrl ?? lastPreview.current;
	const rateLimited = retryAt !== null && retryAt > Date.now();

	const tabs = [
		...(narrow ? [{ id: "preview" as const, label: "Preview" }] : []),
		{ id: "code" as const, label: "Code" },
		{ id: "versions" as const, label: `Versions${versions.length ? ` (${versions.length})` : ""}` },
		{ id: "changes" as const, label: "Changes" },
		// The owner's: the server's log and its secrets (they need the edit token).
		...(canEdit
			? [
					{ id: "logs" as const, label: "Logs" },
					{ id: "secrets" as const, label: "Secrets" },
				]
			: []),
	];

	/** What the Changes tab compares first: the version on screen with its parent, or for v1 with the latest. */
	const defaultCompare = () => {
		const shown = current ?? latest ?? 1;
		if (currentSummary?.parentNumber) return { from: currentSummary.parentNumber, to: shown };
		return { from: shown, to: latest && latest !== shown ? latest : shown };
	};
	const cmp = compare ?? defaultCompare();

	const doRemix = async () => {
		setRemixing(true);
		try {
			const r = await remix(project, current ?? undefined);
			// Remix answers with the new project's edit token, shown once: keep it.
			saveEditToken(r.project, r.editToken);
			// The code is copied, not the data: a remix's store and SQL database start empty.
			toast("Remixed into a new project: it is yours to edit. Its data starts empty; the original's stays there.");
			navigate(projectPath(r.project));
		} catch (err) {
			toast(err instanceof ApiError ? err.message : "Remix failed. Try again.");
		} finally {
			setRemixing(false);
		}
	};

	const panel = () => {
		if (tab === "preview") return renderPreview();
		if ((tab === "secrets" || tab === "logs") && editToken) {
			const Panel = tab === "secrets" ? SecretsPanel : LogsPanel;
			return (
				<Suspense fallback={<p className="code-waiting">Loading…</p>}>
					<Panel key={project} project={project} editToken={editToken} />
				</Suspense>
			);
		}
		if (tab === "versions") {
			return versions.length ? (
				<VersionList
					project={project}
					versions={versions}
					current={current ?? 0}
					onCompare={(from, to) => {
						setCompare({ from, to });
						setTab("changes");
					}}
				/>
			) : (
				<p className="code-waiting">The first version appears here when it is finished.</p>
			);
		}
		if (tab === "changes") {
			return versions.length > 1 ? (
				<Suspense fallback={<p className="code-waiting">Loading the changes…</p>}>
					<DiffView
						versions={versions}
						from={cmp.from}
						to={cmp.to}
						loadVersion={loadVersion}
						onChange={(from, to) => setCompare({ from, to })}
					/>
				</Suspense>
			) : (
				<p className="code-waiting">
					Changes between versions appear here once there are two. Send a follow-up to make one.
				</p>
			);
		}
		return codeView === null ? (
			<p className="code-waiting">
				<span className="dots" aria-hidden="true" />
				Loading the code…
			</p>
		) : (
			<CodeView
				view={codeView}
				streaming={streaming}
				label={codeLabel}
				note={
					showingStream && generation.repair ? `${generation.repair} The model is writing the full file instead.` : null
				}
			/>
		);
	};

	function renderPreview() {
		return (
			<Preview
				src={previewSrc}
				serverNotice={currentSummary?.hasServer && servers && !servers.available ? servers.message : null}
				title={`Preview of ${title}, version ${current ?? ""}`}
				overlay={streaming && previewSrc ? `Writing v${nextNumber}…` : null}
				placeholder={
					streaming
						? "Writing the app: the preview appears the moment it is finished."
						: "The preview appears here when the app is finished."
				}
			/>
		);
	}

	const branching = current !== null && latest !== null && current !== latest;
	const followUpLabel = current ? `Describe a change to v${current}` : "Describe a change";

	return (
		<>
			<Header showNew>
				<div className="project-heading">
					<h1 className="project-title" title={title}>
						{title}
					</h1>
					<p className="project-meta">
						<span className="mono">{project}</span>
						{current !== null && latest !== null && (
							<span>
								· v{current} of {latest}
							</span>
						)}
						{data?.project.remixedFromProject && (
							<span>
								· remixed from{" "}
								<Link to={projectPath(data.project.remixedFromProject, data.project.remixedFromVersion)}>
									{data.project.remixedFromProject} v{data.project.remixedFromVersion}
								</Link>
							</span>
						)}
					</p>
				</div>
				<div className="header-actions">
					<button
						type="button"
						className="btn btn-secondary"
						onClick={doRemix}
						disabled={!currentSummary || remixing || streaming}
						aria-busy={remixing}
					>
						<RemixIcon />
						<span>{remixing ? "Remixing…" : "Remix"}</span>
					</button>
					<button type="button" className="btn btn-primary" onClick={() => setSharing(true)} disabled={!currentSummary}>
						<ShareIcon />
						<span>Share</span>
					</button>
				</div>
			</Header>
			<main className="workspace" id="main">
				<div className="workspace-bar">
					{streaming || (canEdit && current !== null) ? (
						<PromptForm
							key={project}
							size="compact"
							label={followUpLabel}
							placeholder={
								current
									? narrow
										? "Describe a change…"
										: "Make the buttons bigger, add a dark mode…"
									: "Waiting for the first version…"
							}
							submitLabel="Send"
							busy={streaming}
							onSubmit={(prompt) => onFollowUp(prompt, current ?? undefined)}
							onStop={onStop}
							disabledReason={
								rateLimited
									? "Rate-limited: wait for the countdown, then send again."
									: current === null
										? "Follow-ups open once the first version is stored."
										: null
							}
							hint={branching ? `Branches from v${current} (latest is v${latest})` : undefined}
							clearKey={justWrote}
						/>
					) : canEdit || !currentSummary ? null : (
						<div className="readonly-note">
							<p>
								You are viewing someone else's app. <strong>Remix it</strong> to get your own copy to edit.
							</p>
							<button
								type="button"
								className="btn btn-primary"
								onClick={doRemix}
								disabled={!currentSummary || remixing}
							>
								<RemixIcon />
								<span>Remix to edit</span>
							</button>
						</div>
					)}
					{mine && generation.status === "error" && generation.error && (
						<GenerationNotice error={generation.error} retryAt={retryAt} onRetry={onRetry} onDismiss={onDismiss} />
					)}
				</div>
				<StatsBar
					stats={streaming ? null : mine && justWrote === current ? generation.stats : (currentSummary?.stats ?? null)}
					live={streaming ? { startedAt: generation.startedAt, firstTokenAt: generation.firstTokenAt } : null}
					source={
						streaming
							? `Writing v${nextNumber}…`
							: currentSummary
								? currentSummary.provider === "starter"
									? `v${currentSummary.number} · starter app, answered without a model`
									: `v${currentSummary.number}${currentSummary.model ? ` · ${currentSummary.model}` : ""}`
								: ""
					}
				/>
				<div className="panes">
					<section className="pane pane-main" aria-label="Code and versions">
						<TabList tabs={tabs} selected={tab} onSelect={setTab} label="Project views" idPrefix="ws" />
						<div className="tab-panel" role="tabpanel" id="ws-panel" aria-labelledby={`ws-tab-${tab}`} data-tab={tab}>
							{panel()}
						</div>
					</section>
					{!narrow && <div className="pane pane-preview">{renderPreview()}</div>}
				</div>
			</main>
			{currentSummary && data && (
				<ShareDialog
					open={sharing}
					onClose={() => setSharing(false)}
					latestUrl={absolute(data.project.shareUrl)}
					pinnedUrl={absolute(currentSummary.shareUrl)}
					version={currentSummary.number}
				/>
			)}
		</>
	);
}

function absolute(url: string): string {
	return new URL(url, location.origin).href;
}

/** A stored version's files, shown like a finished stream (no plan). */
function storedView(version: { code: string; server: string | null }): StreamView {
	const files: StreamView["files"] = [{ name: PAGE_FILE, code: version.code, complete: true }];
	if (version.server !== null) files.push({ name: SERVER_FILE, code: version.server, complete: true });
	return { plan: "", files, writing: null };
}
