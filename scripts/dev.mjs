#!/usr/bin/env node
/**
 * `npm run dev`: one command for local development.
 *
 * 1. Settings: `.dev.vars` (see `.dev.vars.example`), with environment variables
 *    of the same names taking precedence, handed to every Worker as a settings
 *    file. Only these settings reach the Workers: not the rest of the process
 *    environment (no CLOUDFLARE_INCLUDE_PROCESS_ENV).
 * 2. Builds the SPA (src/spa) into dist/spa, the web Worker's assets, and keeps
 *    rebuilding it on change (KILN_SPA_WATCH=0: build once; KILN_SKIP_SPA_BUILD=1: don't).
 *    Reload the page to see a change.
 * 3. Applies the local D1 migrations to the persisted state.
 * 4. Runs the web, codegen and notion Workers in one `wrangler dev` on
 *    http://localhost:8787 (PORT overrides), sharing that one local D1. It
 *    answers only requests addressed to localhost, 127.0.0.1, [::1] and
 *    *.localhost, plus the names in KILN_DEV_HOSTS (DNS rebinding: see
 *    workers/web/dev-hosts.ts); naming any also makes it listen on every interface.
 *
 * Ctrl-C (or SIGTERM) stops wrangler and its workerd children: nothing is left behind.
 * KILN_STATE_DIR moves the local state (default .wrangler/state).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "8787";
const stateDir = path.resolve(root, process.env.KILN_STATE_DIR ?? ".wrangler/state");
const configs = ["wrangler.toml", "workers/codegen/wrangler.toml", "workers/notion/wrangler.toml"];
const wrangler = path.join(root, "node_modules/.bin/wrangler");

/** The settings in a dotenv file, or none when there is no such file. */
function readDotenv(file) {
	return existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
}

function mergedSettings() {
	const known = Object.keys(readDotenv(path.join(root, ".dev.vars.example")));
	const settings = readDotenv(path.join(root, ".dev.vars"));
	for (const key of known) {
		if (process.env[key] !== undefined) settings[key] = process.env[key];
	}
	// A local project-origin pattern without a port means this dev server's port:
	// PROJECT_ORIGIN=http://*.kiln.localhost (with Kiln opened at http://kiln.localhost:8787)
	// gives apps origins on the same site as Kiln, as in production.
	if (/^http:\/\/\*\.[a-z0-9.-]*localhost\/?$/i.test(settings.PROJECT_ORIGIN ?? "")) {
		settings.PROJECT_ORIGIN = `${settings.PROJECT_ORIGIN.replace(/\/$/, "")}:${port}`;
	}
	// An empty setting means "not set": leave it out so the Workers see undefined.
	return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== ""));
}

/**
 * The web Worker checks the Host of every request while KILN_DEV_HOSTS is set
 * (workers/web/dev-hosts.ts), and a deployed Worker never has it: so it is
 * always set here, to the names the developer added, or to "localhost" (which
 * adds nothing). Names added mean other machines should reach this server, so
 * it then listens on every interface instead of loopback only.
 */
function hostCheck(settings) {
	const added = settings.KILN_DEV_HOSTS;
	settings.KILN_DEV_HOSTS = added || "localhost";
	return added ? ["--ip", "0.0.0.0"] : [];
}

/**
 * Writes the settings where each Worker reads them, in a folder of this dev
 * server's own (beside its state, so two dev servers never share one).
 * The web Worker, wrangler's first, gets them through `--env-file`. wrangler
 * gives each other Worker only the `.dev.vars` beside its own config (or,
 * with CLOUDFLARE_INCLUDE_PROCESS_ENV, its whole process environment: PATH,
 * HOME, any CLOUDFLARE_API_TOKEN...). So codegen and notion run from a copy of
 * their wrangler.toml, its paths made absolute, with the settings beside it.
 * Returns the env file and the configs to pass to wrangler dev.
 */
async function writeSettings(settings) {
	const dir = path.join(stateDir, "..", "dev-config");
	const body = `${Object.entries(settings)
		.map(([k, v]) => `${k}=${JSON.stringify(v)}`)
		.join("\n")}\n`;
	mkdirSync(dir, { recursive: true });
	const envFile = path.join(dir, "web.dev.vars");
	writeFileSync(envFile, body, { mode: 0o600 });
	const { experimental_readRawConfig: readConfig } = await import("wrangler");
	const copies = configs.slice(1).map((config) => {
		const source = path.join(root, config);
		const from = path.dirname(source);
		const { rawConfig } = readConfig({ config: source });
		const { $schema: _schema, ...copy } = rawConfig;
		copy.main = path.resolve(from, copy.main);
		for (const db of [copy, ...Object.values(copy.env ?? {})].flatMap((c) => c.d1_databases ?? [])) {
			if (db.migrations_dir) db.migrations_dir = path.resolve(from, db.migrations_dir);
		}
		const out = path.join(dir, path.basename(from));
		mkdirSync(out, { recursive: true });
		writeFileSync(path.join(out, "wrangler.json"), `${JSON.stringify(copy, null, "\t")}\n`);
		writeFileSync(path.join(out, ".dev.vars"), body, { mode: 0o600 });
		return path.join(out, "wrangler.json");
	});
	return { envFile, configs: [configs[0], ...copies] };
}

/**
 * Deletes fingerprinted files that the current index.html no longer references,
 * once they are a minute old (a page loaded just before a rebuild may still ask
 * for them).
 */
function pruneAssets() {
	const dir = path.join(root, "dist/spa/assets");
	if (!existsSync(dir)) return;
	let entry;
	try {
		entry = readFileSync(path.join(root, "dist/spa/index.html"), "utf8");
	} catch {
		return;
	}
	// What index.html references, and what those files reference in turn (lazy chunks, fonts...).
	const names = readdirSync(dir);
	const live = new Set();
	const queue = [entry];
	while (queue.length) {
		const text = queue.pop();
		for (const name of names) {
			if (live.has(name) || !text.includes(name)) continue;
			live.add(name);
			if (/\.(js|css)$/.test(name)) queue.push(readFileSync(path.join(dir, name), "utf8"));
		}
	}
	for (const name of names) {
		const file = path.join(dir, name);
		try {
			if (!live.has(name) && Date.now() - statSync(file).mtimeMs > 60_000) rmSync(file);
		} catch {}
	}
}

function run(args) {
	const r = spawnSync(wrangler, args, { cwd: root, stdio: "inherit" });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const settings = mergedSettings();
// Names only: values may be secrets. (Before hostCheck, which always sets one of its own.)
console.log(`kiln: settings set: ${Object.keys(settings).sort().join(", ") || "(none)"}`);
const listenArgs = hostCheck(settings);
const written = await writeSettings(settings);

// The SPA's build is the web Worker's assets directory; it must exist.
mkdirSync(path.join(root, "dist/spa"), { recursive: true });
/** Stops the SPA's rebuild-on-change watcher, if one runs. */
let stopSpaWatch = async () => {};
if (existsSync(path.join(root, "src/spa/vite.config.ts")) && process.env.KILN_SKIP_SPA_BUILD !== "1") {
	stopSpaWatch = await buildSpa(process.env.KILN_SPA_WATCH !== "0");
}

/**
 * Builds the SPA into dist/spa and, with `watch`, rebuilds it on every change
 * under src/ (wrangler dev serves the new files on the next page load). Vite
 * runs inside this process, so stopping `npm run dev` stops it too; the first
 * build finishes before wrangler starts, so nothing serves a half-written dist/.
 */
async function buildSpa(watch) {
	// The bundle people get: production React, even when started from a test
	// runner (vitest sets NODE_ENV=test, which would select React's dev build).
	process.env.NODE_ENV = "production";
	const { build } = await import("vite");
	const started = Date.now();
	const result = await build({
		configFile: path.join(root, "src/spa/vite.config.ts"),
		mode: "production",
		logLevel: "warn",
		clearScreen: false,
		// Never empty dist/spa while wrangler serves it (or another dev server
		// does): new files are written beside the old, then the old are pruned.
		build: { emptyOutDir: false, ...(watch ? { watch: {} } : {}) },
	});
	pruneAssets();
	if (!watch || !("on" in result)) {
		console.log(`kiln: built the SPA in ${Date.now() - started} ms`);
		return async () => {};
	}
	await new Promise((resolve, reject) => {
		let first = true;
		let t0 = started;
		result.on("event", (e) => {
			if (e.code === "BUNDLE_START") t0 = Date.now();
			if (e.code === "BUNDLE_END") e.result?.close?.();
			if (e.code === "END") {
				pruneAssets();
				console.log(
					`kiln: ${first ? "built" : "rebuilt"} the SPA in ${Date.now() - t0} ms${first ? " (rebuilds on change)" : ""}`,
				);
				if (first) resolve();
				first = false;
			}
			if (e.code === "ERROR") {
				e.result?.close?.();
				if (first) reject(e.error);
				else console.error(`kiln: SPA build failed: ${e.error?.message ?? e.error}`);
			}
		});
	}).catch((err) => {
		console.error(`kiln: SPA build failed: ${err?.message ?? err}`);
		process.exit(1);
	});
	return () => result.close();
}

run(["d1", "migrations", "apply", "kiln", "--local", "--persist-to", stateDir, "-c", "wrangler.toml"]);

const dev = spawn(
	wrangler,
	[
		"dev",
		...written.configs.flatMap((c) => ["-c", c]),
		"--persist-to",
		stateDir,
		"--port",
		port,
		...listenArgs,
		"--env-file",
		written.envFile,
		"--show-interactive-dev-session=false",
	],
	// Its own process group, so stopping it takes workerd down with it. No Worker sees this
	// process's environment, even if the shell asks wrangler for that.
	{ cwd: root, stdio: "inherit", detached: true, env: { ...process.env, CLOUDFLARE_INCLUDE_PROCESS_ENV: "false" } },
);

let stopping = false;
function stop(signal) {
	if (stopping) return;
	stopping = true;
	stopSpaWatch().catch(() => {});
	try {
		process.kill(-dev.pid, signal);
	} catch {}
	// workerd normally exits within a second; make sure of it.
	setTimeout(() => {
		try {
			process.kill(-dev.pid, "SIGKILL");
		} catch {}
	}, 5000).unref();
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
// `npm run dev` does not pass every signal on (SIGTERM to npm leaves its child
// running): when our parent is gone, stop as if interrupted.
const parent = process.ppid;
setInterval(() => {
	try {
		process.kill(parent, 0);
	} catch {
		stop("SIGTERM");
	}
}, 1000).unref();
process.on("exit", () => {
	try {
		process.kill(-dev.pid, "SIGKILL");
	} catch {}
});
dev.on("exit", (code, signal) => process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0))));
