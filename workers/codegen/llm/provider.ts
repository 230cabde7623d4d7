import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import type { LlmConfig } from "../settings";

type Configured = Extract<LlmConfig, { configured: true }>;

/**
 * The Vercel AI SDK model for a configured provider. One OpenAI-compatible
 * client covers Cerebras, Groq, OpenAI, OpenRouter, Ollama, LM Studio and AI
 * Gateway; Anthropic has its own; Workers AI goes through its binding.
 */
export function languageModel(config: Configured, env: CodegenBindings): LanguageModel {
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
