/** The empty state: one prompt box, the starter prompts, and what the model is. */
import { useEffect, useRef } from "react";
import type { Config } from "../lib/api";
import type { Generation } from "../lib/use-generation";
import { Header } from "./Header";
import { GenerationNotice, SettingNames } from "./Notice";
import { PromptForm, type PromptFormHandle } from "./PromptForm";
import { RecentApps } from "./RecentApps";
import { StarterChips } from "./StarterChips";

export function Home({
	config,
	generation,
	retryAt,
	onGenerate,
	onStop,
	onDismiss,
}: {
	config: Config | null;
	generation: Generation;
	retryAt: number | null;
	onGenerate: (prompt: string) => void;
	onStop: () => void;
	onDismiss: () => void;
}) {
	const form = useRef<PromptFormHandle>(null);
	// The prompt box is mounted, focused and handling keys: `npm run bench` reads this mark.
	useEffect(() => {
		if (!performance.getEntriesByName("kiln:prompt-ready").length) performance.mark("kiln:prompt-ready");
	}, []);
	const busy = generation.status === "streaming";
	const rateLimited = retryAt !== null && retryAt > Date.now();
	const llm = config?.llm;
	return (
		<>
			<Header />
			<main className="home" id="main">
				<section className="hero" aria-labelledby="hero-title">
					<h1 id="hero-title">
						Describe an app. <span className="hero-accent">Watch it being written.</span>
					</h1>
					<p className="hero-sub">
						A language model writes one complete web app while you watch. Every version is kept, with a link to share
						and a button to remix.
					</p>
					<PromptForm
						ref={form}
						label="Describe the app you want"
						placeholder="A pomodoro timer with a task list that remembers my tasks…"
						submitLabel="Generate"
						busy={busy}
						onSubmit={onGenerate}
						onStop={onStop}
						disabledReason={rateLimited ? "Rate-limited: wait for the countdown, then send again." : null}
						autoFocus
					/>
					{generation.status === "error" && generation.error && (
						<GenerationNotice
							error={generation.error}
							retryAt={retryAt}
							onRetry={() => generation.request && onGenerate(generation.request.prompt)}
							onDismiss={onDismiss}
						/>
					)}
					{llm && !llm.configured && generation.status !== "error" && (
						<div className="notice notice-info" role="note" data-kind="no-model-config">
							<div className="notice-text">
								<h2 className="notice-title">No language model configured yet</h2>
								<p className="notice-body">
									<SettingNames text={llm.message} />
								</p>
								<p className="notice-body notice-muted">The starter prompts below work without one.</p>
							</div>
						</div>
					)}
					<StarterChips
						starters={config?.starters ?? []}
						disabled={busy || rateLimited}
						onPick={(s) => {
							form.current?.setValue(s.prompt);
							onGenerate(s.prompt);
						}}
					/>
					<RecentApps />
					{llm?.configured && (
						<p className="model-line">
							Writing with <strong>{llm.model}</strong> <span className="muted">({llm.provider})</span>
						</p>
					)}
				</section>
			</main>
		</>
	);
}
