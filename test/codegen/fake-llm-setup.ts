// globalSetup: one fake OpenAI-compatible server for the codegen tests. Its URL
// reaches the Worker as LLM_BASE_URL, the setting users set (see vitest.config.ts).
// Also the loopback peers (test/fakes/peers.ts) that apps' server code fetches.
import type { TestProject } from "vitest/node";
import { startFakeOpenAI } from "../fakes/openai.ts";
import { startPeers } from "../fakes/peers.ts";

declare module "vitest" {
	interface ProvidedContext {
		fakeOpenAIUrl: string;
		/** JSON: origin of each peer (test/fakes/peers.ts). */
		peers: string;
	}
}

export default async function setup(project: TestProject) {
	const [fake, peers] = await Promise.all([startFakeOpenAI(), startPeers()]);
	project.provide("fakeOpenAIUrl", fake.url);
	project.provide("peers", JSON.stringify(peers.origins));
	return async () => {
		await peers.close();
		await fake.close();
	};
}
