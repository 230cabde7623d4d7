/**
 * What went wrong with a generation, in the API's own words, and what to do
 * next: try again, wait out a rate limit, or configure a model.
 */
import { useEffect, useState } from "react";
import type { ApiError } from "../lib/api";
import { AlertIcon, ClockIcon, CloseIcon, ReloadIcon } from "./icons";

export type ErrorKind = "no-model" | "rate-limited" | "stopped" | "error";

export function errorKind(error: ApiError): ErrorKind {
	if (error.code === "aborted") return "stopped";
	if (error.status === 429 || error.code === "rate_limited") return "rate-limited";
	if (/no_model|model_not_configured|not_configured|no_provider/.test(error.code)) return "no-model";
	return "error";
}

/** Seconds left until `until` (a Date.now() timestamp), ticking once a second. */
export function useCountdown(until: number | null): number {
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (!until) return;
		setNow(Date.now());
		const t = setInterval(() => setNow(Date.now()), 250);
		return () => clearInterval(t);
	}, [until]);
	return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

export function GenerationNotice({
	error,
	retryAt,
	onRetry,
	onDismiss,
}: {
	error: ApiError;
	/** For a 429: when sending is allowed again. */
	retryAt: number | null;
	onRetry: () => void;
	onDismiss: () => void;
}) {
	const kind = errorKind(error);
	const secondsLeft = useCountdown(kind === "rate-limited" ? retryAt : null);
	if (kind === "stopped") {
		return (
			<div className="notice notice-quiet" role="status">
				<p className="notice-body">Stopped. Nothing was saved from that answer.</p>
				<NoticeActions onRetry={onRetry} onDismiss={onDismiss} retryLabel="Run it again" />
			</div>
		);
	}
	if (kind === "no-model") {
		return (
			<div className="notice notice-warn" role="alert" data-kind="no-model">
				<AlertIcon />
				<div className="notice-text">
					<h2 className="notice-title">No language model is configured</h2>
					<p className="notice-body">
						<SettingNames text={error.message} />
					</p>
					<p className="notice-body notice-muted">
						Set them in <code>.dev.vars</code> or the environment and restart <code>npm run dev</code>. The starter
						prompts work without a model.
					</p>
				</div>
				<NoticeActions onDismiss={onDismiss} />
			</div>
		);
	}
	if (kind === "rate-limited") {
		const waiting = secondsLeft > 0;
		return (
			<div className="notice notice-warn" role="alert" data-kind="rate-limited">
				<ClockIcon />
				<div className="notice-text">
					<h2 className="notice-title">Too many generations — slow down a little</h2>
					<p className="notice-body">{error.message}</p>
					<p className="notice-body" aria-live="polite">
						{waiting ? `You can send again in ${secondsLeft} s.` : "You can send again now."}
					</p>
				</div>
				<NoticeActions onRetry={waiting ? undefined : onRetry} onDismiss={onDismiss} />
			</div>
		);
	}
	return (
		<div className="notice notice-danger" role="alert" data-kind="error" data-code={error.code}>
			<AlertIcon />
			<div className="notice-text">
				<h2 className="notice-title">The app was not generated</h2>
				<p className="notice-body">{error.message}</p>
				{/* 200: an `error` event mid-stream. Kiln stores nothing unless the answer is whole. */}
				{error.status === 200 || error.status >= 500 || error.status === 0 ? (
					<p className="notice-body notice-muted">Nothing was saved. Trying again usually works.</p>
				) : null}
			</div>
			<NoticeActions onRetry={error.status === 400 ? undefined : onRetry} onDismiss={onDismiss} />
		</div>
	);
}

function NoticeActions({
	onRetry,
	onDismiss,
	retryLabel = "Try again",
}: {
	onRetry?: () => void;
	onDismiss: () => void;
	retryLabel?: string;
}) {
	return (
		<div className="notice-actions">
			{onRetry && (
				<button type="button" className="btn btn-secondary" onClick={onRetry}>
					<ReloadIcon />
					<span>{retryLabel}</span>
				</button>
			)}
			<button type="button" className="btn btn-icon btn-quiet" onClick={onDismiss} aria-label="Dismiss">
				<CloseIcon />
			</button>
		</div>
	);
}

/** The API's message with setting names (LLM_BASE_URL...) set as code. */
export function SettingNames({ text }: { text: string }) {
	const parts = text.split(/\b([A-Z][A-Z0-9]*_[A-Z0-9_]+(?:=[\w.:/-]+)?)\b/);
	return (
		<>
			{parts.map((part, i) =>
				i % 2 ? (
					// biome-ignore lint/suspicious/noArrayIndexKey: static split of one message
					<code key={i}>{part}</code>
				) : (
					part
				),
			)}
		</>
	);
}
