/**
 * The codegen Worker's settings, read from its bindings. Every value is a
 * string (that is how vars and secrets arrive); bad numbers fall back to the
 * default rather than failing requests.
 */

export type ProviderName = "openai-compatible" | "anthropic" | "workers-ai";

export type LlmConfig =
	| {
			configured: true;
			provider: ProviderName;
			model: string;
			baseUrl?: string;
			apiKey?: string;
	  }
	| {
			configured: false;
			/** What to set, in words a person can act on. */
			message: string;
			/** The setting names involved. */
			settings: string[];
	  };

const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";
const DEFAULT_WORKERS_AI_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

const HOW_TO =
	"Set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY if it needs one) for any OpenAI-compatible API " +
	"(Cerebras, Groq, OpenAI, OpenRouter, Ollama, LM Studio, AI Gateway), or LLM_PROVIDER=anthropic with LLM_API_KEY, " +
	"or deploy with the Workers AI binding ([ai] in workers/codegen/wrangler.toml).";

/** Which model generation uses, or what is missing. Never includes the key in messages. */
export function llmConfig(env: CodegenBindings): LlmConfig {
	const set = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);
	const provider = set(env.LLM_PROVIDER);
	const baseUrl = set(env.LLM_BASE_URL);
	const apiKey = set(env.LLM_API_KEY);
	const model = set(env.LLM_MODEL);

	const chosen: string | undefined = provider ?? (baseUrl ? "openai-compatible" : env.AI ? "workers-ai" : undefined);
	switch (chosen) {
		case undefined:
			return {
				configured: false,
				message: `No language model is configured. ${HOW_TO}`,
				settings: ["LLM_PROVIDER", "LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL"],
			};
		case "openai-compatible": {
			const missing = [!baseUrl && "LLM_BASE_URL", !model && "LLM_MODEL"].filter(Boolean) as string[];
			if (missing.length) {
				return {
					configured: false,
					message: `The OpenAI-compatible provider needs ${missing.join(" and ")} (e.g. LLM_BASE_URL=https://api.cerebras.ai/v1 LLM_MODEL=llama-3.3-70b).`,
					settings: missing,
				};
			}
			if (!/^https?:\/\//.test(baseUrl as string)) {
				return {
					configured: false,
					message: "LLM_BASE_URL must start with http:// or https://.",
					settings: ["LLM_BASE_URL"],
				};
			}
			return { configured: true, provider: "openai-compatible", baseUrl, apiKey, model: model as string };
		}
		case "anthropic":
			if (!apiKey) {
				return {
					configured: false,
					message: "LLM_PROVIDER=anthropic needs LLM_API_KEY (an Anthropic API key).",
					settings: ["LLM_API_KEY"],
				};
			}
			return { configured: true, provider: "anthropic", baseUrl, apiKey, model: model ?? DEFAULT_ANTHROPIC_MODEL };
		case "workers-ai":
			if (!env.AI) {
				return {
					configured: false,
					message:
						"LLM_PROVIDER=workers-ai needs the AI binding, which exists only once deployed with [ai] in workers/codegen/wrangler.toml. Locally, set LLM_BASE_URL and LLM_MODEL instead.",
					settings: ["LLM_PROVIDER", "LLM_BASE_URL", "LLM_MODEL"],
				};
			}
			return { configured: true, provider: "workers-ai", model: model ?? DEFAULT_WORKERS_AI_MODEL };
		default:
			return {
				configured: false,
				message: `LLM_PROVIDER is "${chosen}"; it must be openai-compatible, anthropic or workers-ai (or empty).`,
				settings: ["LLM_PROVIDER"],
			};
	}
}

function int(value: string | undefined, fallback: number, min: number, max: number): number {
	if (value === undefined || value.trim() === "") return fallback;
	const n = Number(value);
	return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export interface GenerationSettings {
	/** Abort when the model sends nothing for this long (before the first token, and between tokens). */
	idleTimeoutMs: number;
	/** Retries of a failed call before any token arrived (429, 5xx, network). */
	maxRetries: number;
	maxOutputTokens: number | undefined;
}

export function generationSettings(env: CodegenBindings): GenerationSettings {
	return {
		idleTimeoutMs: int(env.LLM_IDLE_TIMEOUT_MS, 30_000, 100, 600_000),
		maxRetries: int(env.LLM_MAX_RETRIES, 1, 0, 5),
		maxOutputTokens: env.LLM_MAX_OUTPUT_TOKENS
			? int(env.LLM_MAX_OUTPUT_TOKENS, 0, 1, 1_000_000) || undefined
			: undefined,
	};
}
