/**
 * What Kiln hands each app's sandbox besides the app's own `server.js`: the
 * main module (a shim around the app), the D1-shaped client of its SQL
 * database, and Hono, bundled at build time (scripts/bundle-hono.mjs), so no
 * bundler runs at request time.
 */
import { sha256Hex } from "../../../src/shared/hash";
import { SHIM_UNCAUGHT } from "../logs/entry";
import { CONSOLE_MODULE } from "./console-module";
import { D1_MODULE } from "./d1-module";
import { HONO_BUNDLE } from "./hono-bundle.generated";

/**
 * The sandbox's main module. It gives the app its env (the owner's secrets as
 * they come, hidden from its console output: console-module.ts; the document store as it comes, the SQL stub behind the
 * D1-shaped client), calls the app's default export and turns a throw into a
 * JSON 500 inside the sandbox, so the failure stays that request's and carries
 * no stack trace. A throw in a Hono route arrives here too: the Hono bundle's
 * default onError rethrows (scripts/bundle-hono.mjs). The error itself goes to the owner's log (`SHIM_UNCAUGHT`,
 * read by logs/entry.ts from the sandbox's tail).
 */
const SHIM = `import app from "./server.js";
import { d1 } from "./kiln-d1.js";
import { hideSecrets } from "./kiln-console.js";
export default {
	async fetch(request, env, ctx) {
		const { DB, db, ...secrets } = env;
		hideSecrets(Object.values(secrets));
		try {
			return await app.fetch(request, { ...secrets, DB: d1(DB), db }, ctx);
		} catch (err) {
			console.error(${JSON.stringify(SHIM_UNCAUGHT)}, err);
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
		"kiln-d1.js": { js: D1_MODULE },
		"kiln-console.js": { js: CONSOLE_MODULE },
		// A bare module name needs the { js } form.
		hono: { js: HONO_BUNDLE },
	};
}

/** The modules Kiln supplies, by name: what a revision covers. */
export const SUPPLIED_MODULES: Record<string, string> = { SHIM, D1_MODULE, CONSOLE_MODULE, HONO_BUNDLE };

const revisions = new Map<string, Promise<string>>();

/**
 * A hash of everything Kiln supplies to a sandbox: its modules and the
 * settings baked into its env (`settings`, e.g. the database quotas). It is
 * part of every loader id, because the loader may keep a warm isolate per id:
 * a new Hono bundle, shim or client, or a changed quota, must not be served by
 * an isolate that still holds the old one.
 */
export function suppliedRevision(
	settings: string,
	modules: Record<string, string> = SUPPLIED_MODULES,
): Promise<string> {
	const text = `${Object.values(modules).join("\0")}\0${settings}`;
	if (modules !== SUPPLIED_MODULES) return sha256Hex(text).then((h) => h.slice(0, 12));
	let r = revisions.get(settings);
	if (!r) {
		r = sha256Hex(text).then((h) => h.slice(0, 12));
		revisions.set(settings, r);
	}
	return r;
}
