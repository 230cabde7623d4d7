import { execFileSync, spawn } from "node:child_process";
import { symlinkSync } from "node:fs";
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
export function runTs(script: string, args: string[], cwd: string): Promise<Run> {
	// tsx by absolute path: `--import tsx` resolves from cwd, and some tests run outside any package.
	const tsx = pathToFileURL(path.join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
	// Asynchronous, so that concurrent tests really overlap.
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ["--import", tsx, path.join(repoRoot, script), ...args], {
			cwd,
			env: { ...process.env, FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false" },
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
