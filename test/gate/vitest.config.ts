import path from "node:path";
import { defineProject } from "vitest/config";

// The migration gate's tests run in Node: they build throwaway git
// repositories and start Miniflare's local D1 from Node, as the CLI does.
export default defineProject({
	test: {
		name: "gate",
		root: path.resolve(import.meta.dirname, "..", ".."),
		// Not test/gate/corpus/: those are the fixtures' own (old) tests, run by the gate.
		include: ["test/gate/*.test.ts"],
		environment: "node",
		// Corpus cases spend their time in workerd, esbuild and git child
		// processes, so a few run side by side even on two cores.
		maxConcurrency: 4,
		// The corpus, the CLI and the deploy files mostly wait on child processes: run them side by side.
		maxWorkers: 2,
		testTimeout: 120_000,
		hookTimeout: 120_000,
	},
});
