import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..");

/** A throwaway clone of Kiln's committed HEAD (others' uncommitted work stays out), sharing node_modules. */
export function cloneKiln(parent: string, name: string): string {
	const dir = path.join(parent, name);
	execFileSync("git", ["clone", "-q", "--local", "--no-hardlinks", repoRoot, dir], { stdio: "pipe" });
	symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
	return dir;
}

export interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs one of Kiln's TypeScript entry points (the gate CLI, the deploy script) as `npm run` would. */
export function runTs(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
	// tsx by absolute path: `--import tsx` resolves from cwd, and some tests run outside any package.
	const tsx = pathToFileURL(path.join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
	// Asynchronous, so that concurrent tests really overlap.
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ["--import", tsx, path.join(repoRoot, script), ...args], {
			cwd,
			env: { ...process.env, FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false", ...env },
			timeout: 300_000,
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d) => {
			stdout += d;
		});
		child.stderr.on("data", (d) => {
			stderr += d;
		});
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

export const git = (cwd: string, ...args: string[]) =>
	execFileSync("git", args, {
		cwd,
		encoding: "utf8",
		stdio: "pipe",
		env: {
			...process.env,
			GIT_AUTHOR_NAME: "t",
			GIT_AUTHOR_EMAIL: "t@kiln.invalid",
			GIT_COMMITTER_NAME: "t",
			GIT_COMMITTER_EMAIL: "t@kiln.invalid",
		},
	});

/** A stack trace line, which users must never see. */
export const STACK = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

/** One call the fake wrangler received: its arguments, and for `d1 migrations apply` the .sql files it found. */
export interface WranglerCall {
	args: string[];
	migrations?: string[];
}

/**
 * A fake `wrangler` (fake-wrangler.mjs) first on the PATH of a deploy, so a
 * real (not --dry-run) deploy runs end to end without a Cloudflare account and
 * the test sees every remote command. `env` goes to runTs; `applied` names the
 * migrations the fake remote database has applied; `appData`, the rows its
 * app_data table holds (no such table without it).
 */
export function fakeWrangler(dir: string, remote: { applied?: string[]; d1Error?: string; appData?: number } = {}) {
	const bin = path.join(dir, "bin");
	const log = path.join(dir, "wrangler-calls.jsonl");
	mkdirSync(bin, { recursive: true });
	const script = path.join(import.meta.dirname, "fake-wrangler.mjs");
	writeFileSync(path.join(bin, "wrangler"), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
	chmodSync(path.join(bin, "wrangler"), 0o755);
	const env: NodeJS.ProcessEnv = {
		PATH: `${bin}${path.delimiter}${process.env.PATH}`,
		FAKE_WRANGLER_LOG: log,
		FAKE_WRANGLER_APPLIED: (remote.applied ?? []).join(","),
		FAKE_WRANGLER_D1_ERROR: remote.d1Error ?? "",
		FAKE_WRANGLER_APP_DATA: remote.appData === undefined ? "" : String(remote.appData),
	};
	const calls = (): WranglerCall[] =>
		existsSync(log)
			? readFileSync(log, "utf8")
					.split("\n")
					.filter(Boolean)
					.map((l) => JSON.parse(l) as WranglerCall)
			: [];
	return { env, calls };
}
