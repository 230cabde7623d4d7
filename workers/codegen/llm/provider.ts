import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import type { LlmConfig } from "../settings";

type Configured = Extract<LlmConfig, { configured: true }>;

/**
 * Models made in this isolate, by their settings. A model holds only its
 * settings (no connection, nothing of a request), and making one per request
 * cost about half of the SDK's work before the model is called (measured in
 * Node: 0.9 ms made anew, 0.4 ms reused). Workers AI's are kept apart, by binding.
 */
const made = new Map<string, LanguageModel>();
const madeForBinding = new WeakMap<object, Map<string, LanguageModel>>();

/**
 * The Vercel AI SDK model for a configured provider. One OpenAI-compatible
 * client covers Cerebras, Groq, OpenAI, OpenRouter, Ollama, LM Studio and AI
 * Gateway; Anthropic has its own; Workers AI goes through its binding.
 */
export function languageModel(config: Configured, env: CodegenBindings): LanguageModel {
	const cache = config.provider === "workers-ai" && env.AI ? bindingCache(env.AI) : made;
	const key = JSON.stringify([config.provider, config.baseUrl, config.apiKey, config.model]);
	let model = cache.get(key);
	if (!model) {
		if (cache.size >= 16) cache.clear(); // settings change rarely; a bound all the same
		model = makeModel(config, env);
		cache.set(key, model);
	}
	return model;
}

function bindingCache(binding: object): Map<string, LanguageModel> {
	let cache = madeForBinding.get(binding);
	if (!cache) {
		cache = new Map();
		madeForBinding.set(binding, cache);
	}
	return cache;
}

function makeModel(config: Configured, env: CodegenBindings): LanguageModel {
	switch (config.provider) {
		case "openai-compatible":
			return createOpenAICompatible({
				name: "openai-compatible",
				baseURL: (config.baseUrl as string).replace(/\/+$/, ""),
				apiKey: config.apiKey,
				// Ask for the usage chunk at the end of the stream: output token counts for the stats.
				includeUsage: true,
			}).chatModel(config.model);
		case "anthropic":
			return createAnthropic({ apiKey: config.apiKey, ...(config.baseUrl && { baseURL: config.baseUrl }) })(
				config.model,
			);
		case "workers-ai":
			return createWorkersAI({ binding: env.AI as Ai })(
				config.model as Parameters<ReturnType<typeof createWorkersAI>>[0],
			);
	}
}
