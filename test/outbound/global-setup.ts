// globalSetup of the outbound project: the loopback peers run in Node for the
// whole run; the guard (in workerd) fetches them over HTTP on 127.0.0.1.
import type { TestProject } from "vitest/node";
import { startPeers } from "../fakes/peers.ts";

declare module "vitest" {
	export interface ProvidedContext {
		/** JSON: origin of each peer (test/fakes/peers.ts). */
		peers: string;
	}
}

export default async function setup(project: TestProject) {
	const peers = await startPeers();
	project.provide("peers", JSON.stringify(peers.origins));
	return () => peers.close();
}
