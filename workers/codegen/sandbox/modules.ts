/**
 * What Kiln hands each app's sandbox besides the app's own `server.js`: the
 * main module (a shim around the app) and Hono, bundled at build time
 * (scripts/bundle-hono.mjs), so no bundler runs at request time.
 */
import { sha256Hex } from "../../../src/shared/hash";
import { HONO_BUNDLE } from "./hono-bundle.generated";

/**
 * The sandbox's main module. It calls the app's default export and turns a
 * throw into a JSON 500 inside the sandbox, so the failure stays that
 * request's and carries no stack trace.
 */
const SHIM = `import app from "./server.js";
export default {
	async fetch(request, env, ctx) {
		try {
			return await app.fetch(request, env, ctx);
		} catch (err) {
			console.error("app server threw: " + (err && err.message ? err.message : String(err)));
			return Response.json({ error: { code: "app_error", message: "The app's server failed on this request." } }, { status: 500 });
		}
	},
};
`;

/**
 * Loads the app's module and reports whether its default export has `fetch`:
 * the check made once at generation (a module that does not parse, imports
 * what is not there or throws at the top fails to start at all).
 */
const PROBE = `import * as mod from "./server.js";
export default {
	fetch() {
		const d = mod.default;
		return Response.json({ hasFetch: Boolean(d) && typeof d.fetch === "function" });
	},
};
`;

export const MAIN_MODULE = "kiln-main.js";
export const PROBE_MODULE = "kiln-probe.js";

/** The modules of an app's sandbox: Kiln's main module (or the probe), the app, Hono. */
export function sandboxModules(server: string, main: "run" | "probe"): Record<string, WorkerLoaderModule | string> {
	return {
		[main === "run" ? MAIN_MODULE : PROBE_MODULE]: { js: main === "run" ? SHIM : PROBE },
		"server.js": { js: server },
		// A bare module name needs the { js } form.
		hono: { js: HONO_BUNDLE },
	};
}

let revision: Promise<string> | undefined;

/**
 * A hash of everything Kiln supplies to a sandbox. It is part of every loader
 * id, because the loader may keep a warm isolate per id: a new Hono bundle or
 * shim must not be served by an isolate that still holds the old one.
 */
export function suppliedRevision(): Promise<string> {
	revision ??= sha256Hex(`${SHIM}\0${HONO_BUNDLE}`).then((h) => h.slice(0, 12));
	return revision;
}
