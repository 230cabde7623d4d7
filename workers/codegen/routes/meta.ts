import { Hono } from "hono";
import {
	type ConfigJson,
	MAX_DOCUMENT_BYTES,
	MAX_DOCUMENTS_PER_PROJECT,
	MAX_PROMPT_CHARS,
	type StarterJson,
} from "../../../src/shared/api";
import { appServers } from "../app-server";
import type { CodegenEnv } from "../context";
import { llmConfig } from "../settings";
import { STARTERS } from "../starters";

const starters: StarterJson[] = STARTERS.map(({ id, title, prompt }) => ({ id, title, prompt }));

/** What the SPA needs before the first prompt: is a model configured (and if not, what to set), the starters, the limits. */
export const metaRoutes = new Hono<CodegenEnv>()
	.get("/config", (c) => {
		const llm = llmConfig(c.env);
		const body: ConfigJson = {
			llm: llm.configured
				? { configured: true, provider: llm.provider, model: llm.model }
				: { configured: false, message: llm.message, settings: llm.settings },
			starters,
			servers: serversJson(c.env),
			limits: {
				maxPromptChars: MAX_PROMPT_CHARS,
				maxDocumentBytes: MAX_DOCUMENT_BYTES,
				maxDocumentsPerProject: MAX_DOCUMENTS_PER_PROJECT,
			},
		};
		c.header("Cache-Control", "no-store");
		return c.json(body);
	})
	.get("/starters", (c) => c.json({ starters }));

function serversJson(env: CodegenBindings): ConfigJson["servers"] {
	const servers = appServers(env);
	return servers.available ? { available: true } : { available: false, message: servers.message };
}
