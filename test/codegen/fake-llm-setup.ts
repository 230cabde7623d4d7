// globalSetup: one fake OpenAI-compatible server for the codegen tests. Its URL
// reaches the Worker as LLM_BASE_URL, the setting users set (see vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startFakeOpenAI } from "../fakes/openai.ts";

declare module "vitest" {
	interface ProvidedContext {
		fakeOpenAIUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const fake = await startFakeOpenAI();
	project.provide("fakeOpenAIUrl", fake.url);
	return () => fake.close();
}
