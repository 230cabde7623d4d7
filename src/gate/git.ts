import { execFileSync } from "node:child_process";
import { UsageError } from "./errors";

/** Runs git in `cwd` and returns stdout; throws with git's own stderr on failure. */
export function git(cwd: string, args: string[], input?: string): string {
	try {
		return execFileSync("git", args, {
			cwd,
			encoding: "utf8",
			input,
			stdio: ["pipe", "pipe", "pipe"],
			maxBuffer: 256 * 1024 * 1024,
		});
	} catch (e) {
		const err = e as { stderr?: string; message: string };
		throw new Error(`git ${args.join(" ")}: ${(err.stderr || err.message).trim()}`);
	}
}

/** The top of the git work tree that contains `cwd`. */
export function repoRoot(cwd: string): string {
	try {
		return git(cwd, ["rev-parse", "--show-toplevel"]).trim();
	} catch {
		throw new UsageError(`${cwd} is not inside a git repository; the gate compares the work tree with a git ref.`);
	}
}

/** Resolves `<ref>` to a commit id, or explains that it does not exist. */
export function resolveCommit(root: string, ref: string): string {
	if (ref.startsWith("-")) throw new UsageError(`"${ref}" is not a git ref.`);
	try {
		return git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
	} catch {
		throw new UsageError(
			`unknown git ref "${ref}": no commit, branch or tag of that name in ${root}. ` +
				"Pass the commit that is deployed now (for example a tag, a SHA, or origin/main).",
		);
	}
}

/** Paths of the files under `dir` at `commit` (non-recursive), or null when `dir` is not there. */
export function listDirAt(root: string, commit: string, dir: string): string[] | null {
	let type: string;
	try {
		type = git(root, ["cat-file", "-t", `${commit}:${dir}`]).trim();
	} catch {
		return null;
	}
	if (type !== "tree") return null;
	return gitPaths(root, ["ls-tree", "--name-only", `${commit}:${dir}`]);
}

/**
 * Runs a git command that lists paths, with `-z`: without it git quotes any
 * name outside ASCII (`"0002_caf\303\251.sql"`), which then matches no file
 * on disk. Every place the gate and the deploy read file names from git goes
 * through here.
 */
export function gitPaths(root: string, args: string[]): string[] {
	const [command, ...rest] = args;
	return git(root, [command, "-z", ...rest])
		.split("\0")
		.filter(Boolean);
}

/** Whether `path` exists at `commit`. */
export function existsAt(root: string, commit: string, path: string): boolean {
	try {
		git(root, ["cat-file", "-e", `${commit}:${path}`]);
		return true;
	} catch {
		return false;
	}
}

/**
 * Reads many blobs in one `git cat-file --batch` call (a spawn per file would
 * cost most of the gate's time on a long history).
 */
export function readBlobsAt(root: string, commit: string, paths: string[]): Map<string, string> {
	const out = new Map<string, string>();
	if (paths.length === 0) return out;
	const raw = execFileSync("git", ["cat-file", "--batch"], {
		cwd: root,
		input: `${paths.map((p) => `${commit}:${p}`).join("\n")}\n`,
		maxBuffer: 256 * 1024 * 1024,
	});
	let pos = 0;
	for (const p of paths) {
		const nl = raw.indexOf(10, pos);
		const header = raw.subarray(pos, nl).toString("utf8");
		pos = nl + 1;
		const m = /^\S+ (\w+) (\d+)$/.exec(header);
		if (!m) continue; // "<name> missing"
		const size = Number(m[2]);
		out.set(p, raw.subarray(pos, pos + size).toString("utf8"));
		pos += size + 1;
	}
	return out;
}
