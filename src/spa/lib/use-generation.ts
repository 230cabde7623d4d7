/**
 * One generation at a time: sends the prompt, accumulates the streamed text
 * (re-rendering at most once a frame), measures what the browser can see
 * (time to first token, elapsed time) and keeps the server's stats when done.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { GenerateRequest, GenerationStats } from "../../shared/api";
import { ApiError, generate, validateGenerate } from "./api";
import { getEditToken, saveEditToken } from "./edit-tokens";

export type GenerationStatus = "idle" | "streaming" | "done" | "error";

export interface Generation {
	status: GenerationStatus;
	request: GenerateRequest | null;
	/** The project being written (known once `start` arrives, or from the request). */
	project: string | null;
	text: string;
	/**
	 * Where the answer being written starts in `text`: 0, or where the repair
	 * turn began (after a `repair` event the model writes the full files anew).
	 */
	answerFrom: number;
	/** Why a follow-up's edits did not apply, once the repair turn has begun. */
	repair: string | null;
	startedAt: number;
	firstTokenAt: number | null;
	endedAt: number | null;
	version: number | null;
	stats: GenerationStats | null;
	error: ApiError | null;
}

const IDLE: Generation = {
	status: "idle",
	request: null,
	project: null,
	text: "",
	answerFrom: 0,
	repair: null,
	startedAt: 0,
	firstTokenAt: null,
	endedAt: null,
	version: null,
	stats: null,
	error: null,
};

export interface GenerationCallbacks {
	/** The server accepted the prompt and named the project. */
	onStart?: (project: string) => void;
	/** A new version is stored. */
	onDone?: (project: string, version: number) => void;
}

export function useGeneration() {
	const [state, setState] = useState<Generation>(IDLE);
	const abortRef = useRef<AbortController | null>(null);
	const textRef = useRef("");
	const frameRef = useRef(0);

	useEffect(() => () => abortRef.current?.abort(), []);

	const start = useCallback(async (request: GenerateRequest, callbacks: GenerationCallbacks = {}) => {
		const invalid = await validateGenerate(request);
		if (invalid) {
			setState({ ...IDLE, status: "error", request, error: new ApiError(400, "invalid_request", invalid) });
			return;
		}
		abortRef.current?.abort();
		const abort = new AbortController();
		abortRef.current = abort;
		textRef.current = "";
		const startedAt = performance.now();
		setState({ ...IDLE, status: "streaming", request, project: request.project ?? null, startedAt });
		const flush = () => {
			frameRef.current = 0;
			if (abortRef.current !== abort) return;
			setState((s) => (s.status === "streaming" ? { ...s, text: textRef.current } : s));
		};
		const editToken = request.project ? getEditToken(request.project) : null;
		try {
			for await (const ev of generate(request, { editToken, signal: abort.signal })) {
				if (abortRef.current !== abort) return;
				if (ev.event === "start") {
					if (ev.data.editToken) saveEditToken(ev.data.project, ev.data.editToken);
					setState((s) => ({ ...s, project: ev.data.project }));
					callbacks.onStart?.(ev.data.project);
				} else if (ev.event === "delta") {
					if (!textRef.current) {
						const at = performance.now();
						setState((s) => ({ ...s, firstTokenAt: at }));
					}
					textRef.current += ev.data.text;
					if (!frameRef.current) frameRef.current = requestAnimationFrame(flush);
				} else if (ev.event === "repair") {
					const at = textRef.current.length;
					setState((s) => ({ ...s, text: textRef.current, answerFrom: at, repair: ev.data.message }));
				} else if (ev.event === "done") {
					cancelAnimationFrame(frameRef.current);
					frameRef.current = 0;
					setState((s) => ({
						...s,
						status: "done",
						text: textRef.current,
						project: ev.data.project,
						version: ev.data.version,
						stats: ev.data.stats,
						endedAt: performance.now(),
					}));
					callbacks.onDone?.(ev.data.project, ev.data.version);
				} else if (ev.event === "error") {
					throw new ApiError(200, ev.data.code, ev.data.message);
				}
			}
		} catch (err) {
			if (abortRef.current !== abort) return;
			cancelAnimationFrame(frameRef.current);
			frameRef.current = 0;
			const error = err instanceof ApiError ? err : new ApiError(0, "unknown", String(err));
			setState((s) => ({ ...s, status: "error", text: textRef.current, endedAt: performance.now(), error }));
		}
	}, []);

	/** Stops the stream; the server writes no version for an unfinished answer. */
	const stop = useCallback(() => abortRef.current?.abort(), []);

	/** Forgets the last result (after it has been shown, or when an error is dismissed). */
	const reset = useCallback(() => {
		abortRef.current?.abort();
		abortRef.current = null;
		setState(IDLE);
	}, []);

	return { generation: state, start, stop, reset };
}
