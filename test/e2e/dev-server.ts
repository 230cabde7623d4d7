import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "../migrations.ts";

/** A running `npm run dev` (scripts/dev.mjs): the product as a developer starts it. */
export interface DevServer {
	url: string;
	port: number;
	stateDir: string;
	output: () => string;
	stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, "127.0.0.1", () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
		srv.on("error", reject);
	});
}

export function newStateDir(): string {
	return path.join(mkdtempSync(path.join(tmpdir(), "kiln-e2e-")), "state");
}

/**
 * Starts the dev server and resolves once /healthz answers 200.
 * `env` adds settings exactly as a user would set them in the environment.
 */
export async function startDev(
	opts: { stateDir?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<DevServer> {
	const port = await freePort();
	const stateDir = opts.stateDir ?? newStateDir();
	let out = "";
	const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, "scripts/dev.mjs")], {
		cwd: repoRoot,
		env: {
			...process.env,
			PORT: String(port),
			KILN_STATE_DIR: stateDir,
			// No network here: don't wait on Cloudflare's Request.cf endpoint.
			CLOUDFLARE_CF_FETCH_ENABLED: "false",
			...opts.env,
		},
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	child.stdout?.on("data", (d) => (out += d));
	child.stderr?.on("data", (d) => (out += d));
	const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
	const url = `http://localhost:${port}`;
	const server: DevServer = {
		url,
		port,
		stateDir,
		output: () => out,
		stop: async () => {
			if (child.exitCode === null) {
				try {
					process.kill(-(child.pid as number), "SIGINT");
				} catch {}
				await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
			}
		},
	};
	const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`dev server exited early:\n${out}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.status === 200) return server;
		} catch {}
		await new Promise((r) => setTimeout(r, 250));
	}
	await server.stop();
	throw new Error(`dev server not healthy within the timeout:\n${out}`);
}

/** Runs SQL against a dev server's local D1, the way `wrangler d1 execute --local` does. */
export function d1Execute(stateDir: string, sql: string): void {
	execFileSync(
		path.join(repoRoot, "node_modules/.bin/wrangler"),
		["d1", "execute", "kiln", "--local", "--persist-to", stateDir, "--command", sql],
		{ cwd: repoRoot, stdio: "pipe" },
	);
}

/** Processes still running from a given state dir (their command lines name it). */
export function processesUsing(stateDir: string): string[] {
	try {
		return execFileSync("pgrep", ["-af", stateDir], { encoding: "utf8" })
			.split("\n")
			.filter((l) => l.trim() && !l.includes("pgrep"));
	} catch {
		return []; // pgrep exits 1 when nothing matches
	}
}
