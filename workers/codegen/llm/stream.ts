import { APICallError, type LanguageModel, type ModelMessage, RetryError, streamText } from "ai";
import type { GenerationSettings } from "../settings";

export type StreamOutcome =
	| {
			ok: true;
			text: string;
			finishReason: string;
			/** Date.now() of the first text token, or null if none came. */
			firstTokenAt: number | null;
			outputTokens: number | null;
	  }
	| { ok: false; code: string; message: string; receivedText: boolean };

/**
 * Streams one answer from the model, calling `onDelta` with each piece of text
 * as it arrives (nothing is buffered). Ends with the whole text, or with an
 * error code a client can act on. Upstream error bodies are never passed on:
 * some echo part of the API key.
 */
export async function streamAnswer(opts: {
	model: LanguageModel;
	system: string;
	messages: ModelMessage[];
	settings: GenerationSettings;
	onDelta: (text: string) => void;
	/** Cancels the call: nobody is waiting for the answer any more. */
	signal?: AbortSignal;
}): Promise<StreamOutcome> {
	const { settings } = opts;
	const abort = new AbortController();
	opts.signal?.addEventListener("abort", () => abort.abort(opts.signal?.reason), { once: true });
	let timedOut = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	// An idle timer rather than a total one: a fast model writing a long app is fine, a silent one is not.
	// Hand-written, not the AI SDK's `timeout: { firstChunkMs, chunkMs }`: in ai 7.0 those start only once
	// the provider's response has arrived, so a provider that never answers would hang (tried: no abort in 4 s).
	const arm = () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			timedOut = true;
			abort.abort(new Error("idle timeout"));
		}, settings.idleTimeoutMs);
	};
	let text = "";
	let firstTokenAt: number | null = null;
	let finishReason = "unknown";
	let outputTokens: number | null = null;
	let failure: unknown;
	arm();
	try {
		const result = streamText({
			model: opts.model,
			system: opts.system,
			messages: opts.messages,
			maxRetries: settings.maxRetries,
			abortSignal: abort.signal,
			// Errors arrive as stream parts and are classified below; the SDK's default logs them with their bodies.
			onError: () => {},
			...(settings.maxOutputTokens && { maxOutputTokens: settings.maxOutputTokens }),
		});
		for await (const part of result.fullStream) {
			switch (part.type) {
				case "text-delta":
					if (part.text === "") break;
					arm();
					firstTokenAt ??= Date.now();
					text += part.text;
					opts.onDelta(part.text);
					break;
				case "reasoning-delta":
					arm();
					break;
				case "finish":
					finishReason = part.finishReason;
					outputTokens = part.totalUsage.outputTokens ?? null;
					break;
				case "error":
					failure ??= part.error;
					break;
				case "abort":
					failure ??= new Error("aborted");
					break;
			}
		}
	} catch (err) {
		failure ??= err;
	} finally {
		clearTimeout(timer);
	}
	if (timedOut) {
		return {
			ok: false,
			code: "upstream_timeout",
			message: `The model sent nothing for ${Math.round(settings.idleTimeoutMs / 1000)} s (LLM_IDLE_TIMEOUT_MS); gave up.`,
			receivedText: text !== "",
		};
	}
	if (failure !== undefined) return { ok: false, ...classify(failure, text !== ""), receivedText: text !== "" };
	return { ok: true, text, finishReason, firstTokenAt, outputTokens };
}

/** An upstream failure as a stable code and a message that names what to check. */
export function classify(err: unknown, receivedText: boolean): { code: string; message: string } {
	// `wrangler dev --local` gives the AI binding as a stub that throws this.
	if (err instanceof Error && /needs to be run remotely/i.test(err.message)) {
		return {
			code: "no_provider",
			message:
				"Workers AI runs only once deployed (it has no local simulator). Locally, set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY).",
		};
	}
	const call = findApiCallError(err);
	// A 2xx status means the answer had begun: the failure came while reading its body.
	const status = call?.statusCode !== undefined && call.statusCode >= 300 ? call.statusCode : undefined;
	if (status === 401 || status === 403) {
		return {
			code: "upstream_unauthorized",
			message: `The model provider refused the request (${status}): check LLM_API_KEY.`,
		};
	}
	if (status === 429) {
		return {
			code: "upstream_rate_limited",
			message: "The model provider is rate-limiting Kiln (429). Try again in a minute.",
		};
	}
	if (status === 404) {
		return {
			code: "upstream_not_found",
			message: "The model provider answered 404: check LLM_BASE_URL and LLM_MODEL.",
		};
	}
	if (status !== undefined && status >= 500) {
		return { code: "upstream_error", message: `The model provider failed (${status}). Try again later.` };
	}
	if (status !== undefined) {
		return { code: "upstream_rejected", message: `The model provider rejected the request (${status}).` };
	}
	if (receivedText || (call?.statusCode !== undefined && call.statusCode < 300)) {
		return {
			code: "upstream_interrupted",
			message: "The connection to the model broke before the answer was complete.",
		};
	}
	return { code: "upstream_unreachable", message: "Could not reach the model provider: check LLM_BASE_URL." };
}

function findApiCallError(err: unknown): APICallError | undefined {
	for (let e = err, depth = 0; e && depth < 5; depth++) {
		if (APICallError.isInstance(e)) return e;
		if (RetryError.isInstance(e)) e = e.lastError;
		else e = (e as { cause?: unknown }).cause;
	}
	return undefined;
}
