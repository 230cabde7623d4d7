import { SERVER_FILE } from "../../../src/shared/answer";
import { SANDBOX_LIMITS } from "./limits";
import { PROBE_MODULE, sandboxModules } from "./modules";
import { SANDBOX_COMPATIBILITY_DATE } from "./run";

export type ServerCheck = { ok: true } | { ok: false; message: string };

/** How long loading a module for the check may take. */
const CHECK_TIMEOUT_MS = 5_000;

/**
 * Whether a server module can run, checked once, at generation, by loading it
 * in a throwaway sandbox (no cache, no outbound, no env) with Kiln's probe as
 * the main module. This is the runtime's own parser and linker, so a module
 * that does not parse, imports what the sandbox lacks, throws at the top or has
 * no default export with `fetch` is refused, with the runtime's reason. The
 * module's top level runs, sandboxed; its `fetch` is never called.
 */
export async function checkServerModule(loader: WorkerLoader, source: string): Promise<ServerCheck> {
	const stub = loader.load({
		compatibilityDate: SANDBOX_COMPATIBILITY_DATE,
		mainModule: PROBE_MODULE,
		modules: sandboxModules(source, "probe"),
		env: {},
		globalOutbound: null,
		limits: SANDBOX_LIMITS,
	});
	let timer: ReturnType<typeof setTimeout> | null = null;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error("loading it took too long")), CHECK_TIMEOUT_MS);
	});
	try {
		const res = await Promise.race([stub.getEntrypoint().fetch("https://probe.kiln.invalid/"), timeout]);
		const { hasFetch } = (await res.json()) as { hasFetch: boolean };
		if (!hasFetch) {
			return {
				ok: false,
				message: `The model's ${SERVER_FILE} has no default export with a fetch(request, env) method.`,
			};
		}
		return { ok: true };
	} catch (err) {
		return { ok: false, message: `The model's ${SERVER_FILE} does not load: ${reason(err)}` };
	} finally {
		if (timer !== null) clearTimeout(timer);
	}
}

/** The runtime's reason, without its "Failed to start Worker:" preamble, on one short line. */
function reason(err: unknown): string {
	const text = err instanceof Error ? err.message : String(err);
	return (
		text
			.replace(/^Failed to start Worker:\s*/i, "")
			.replace(/^Uncaught\s+/i, "")
			.split("\n")
			.map((l) => l.trim())
			.filter(Boolean)
			.join(" ")
			.slice(0, 300) || "unknown error"
	);
}
