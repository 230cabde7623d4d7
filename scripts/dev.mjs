#!/usr/bin/env node
/**
 * `npm run dev`: one command for local development.
 *
 * 1. Settings: `.dev.vars` (see `.dev.vars.example`), with environment variables
 *    of the same names taking precedence, merged into one env file that every
 *    Worker reads (wrangler would otherwise look for a `.dev.vars` beside each
 *    wrangler.toml).
 * 2. Applies the local D1 migrations to the persisted state.
 * 3. Runs the web, codegen and notion Workers in one `wrangler dev` on
 *    http://localhost:8787 (PORT overrides), sharing that one local D1.
 *
 * Ctrl-C (or SIGTERM) stops wrangler and its workerd children: nothing is left behind.
 * KILN_STATE_DIR moves the local state (default .wrangler/state).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "8787";
const stateDir = path.resolve(root, process.env.KILN_STATE_DIR ?? ".wrangler/state");
const configs = ["wrangler.toml", "workers/codegen/wrangler.toml", "workers/notion/wrangler.toml"];
const wrangler = path.join(root, "node_modules/.bin/wrangler");

/** KEY=value lines of a dotenv file (comments and blank lines skipped; quotes removed). */
function parseDotenv(file) {
	if (!existsSync(file)) return {};
	const out = {};
	for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
		const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
		if (!m) continue;
		out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, "$2");
	}
	return out;
}

function mergedSettings() {
	const known = Object.keys(parseDotenv(path.join(root, ".dev.vars.example")));
	const settings = parseDotenv(path.join(root, ".dev.vars"));
	for (const key of known) {
		if (process.env[key] !== undefined) settings[key] = process.env[key];
	}
	// An empty setting means "not set": leave it out so the Workers see undefined.
	return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== ""));
}

function writeEnvFile(settings) {
	mkdirSync(stateDir, { recursive: true });
	const file = path.join(stateDir, "..", "dev.vars.merged");
	const body = Object.entries(settings)
		.map(([k, v]) => `${k}=${JSON.stringify(v)}`)
		.join("\n");
	writeFileSync(file, `${body}\n`, { mode: 0o600 });
	return file;
}

function run(args) {
	const r = spawnSync(wrangler, args, { cwd: root, stdio: "inherit" });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const settings = mergedSettings();
const envFile = writeEnvFile(settings);
// Names only: values may be secrets.
console.log(`kiln: settings set: ${Object.keys(settings).sort().join(", ") || "(none)"}`);

// The SPA's build is the web Worker's assets directory; it must exist.
mkdirSync(path.join(root, "dist/spa"), { recursive: true });
if (existsSync(path.join(root, "src/spa/vite.config.ts")) && process.env.KILN_SKIP_SPA_BUILD !== "1") {
	const vite = spawnSync(path.join(root, "node_modules/.bin/vite"), ["build", "--config", "src/spa/vite.config.ts"], {
		cwd: root,
		stdio: "inherit",
	});
	if (vite.status !== 0) process.exit(vite.status ?? 1);
}

run(["d1", "migrations", "apply", "kiln", "--local", "--persist-to", stateDir, "-c", "wrangler.toml"]);

const dev = spawn(
	wrangler,
	[
		"dev",
		...configs.flatMap((c) => ["-c", c]),
		"--persist-to",
		stateDir,
		"--port",
		port,
		"--env-file",
		envFile,
		"--show-interactive-dev-session=false",
	],
	// Its own process group, so stopping it takes workerd down with it.
	{ cwd: root, stdio: "inherit", detached: true },
);

let stopping = false;
function stop(signal) {
	if (stopping) return;
	stopping = true;
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
