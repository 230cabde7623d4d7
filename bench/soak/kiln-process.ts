/**
 * Kiln as the soak runs it, in a process of its own so that "killed" is a
 * real SIGKILL: the three Workers in one Miniflare (bench/kiln-in-miniflare.ts:
 * gateway -> service bindings -> codegen and notion, from the bundles a deploy
 * uses), with their state persisted under the folder it is given, so that a
 * new start after a kill reopens the same D1 and Durable Objects.
 *
 * Started by the soak (`node --import tsx kiln-process.ts '<json>'`), it prints
 * one line `SOAK_READY {...}` once it answers, then the Workers' own log lines
 * (their `console.log`, as Miniflare prints them) for the checker to read.
 */
import { startKilnInMiniflare } from "../kiln-in-miniflare.ts";

export interface KilnProcessConfig {
	persistPath: string;
	port: number;
	settings: Record<string, string>;
	/** The first start: bundle the Workers and apply the migrations. */
	first: boolean;
}

/** The line that says Kiln answers (kiln.ts waits for it). */
const READY = "SOAK_READY ";

const config = JSON.parse(process.argv[2] ?? "{}") as KilnProcessConfig;
const kiln = await startKilnInMiniflare(config.settings, {
	persistPath: config.persistPath,
	port: config.port,
	migrate: config.first,
	bundle: config.first,
	triggerHandlers: true,
});
process.stdout.write(`${READY}${JSON.stringify({ port: kiln.port, pid: process.pid })}\n`);
const stop = async () => {
	await kiln.dispose();
	process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
