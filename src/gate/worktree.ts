import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { git } from "./git";

/** The node_modules the gate itself runs from: used when the repository has none of its own. */
const gateNodeModules = path.resolve(import.meta.dirname, "..", "..", "node_modules");

export interface Worktree {
	dir: string;
	remove(): void;
}

/**
 * Checks `commit` out in a temporary `git worktree` with the work tree's
 * node_modules symlinked in, so the ref's code and tests run without an
 * install (with today's dependency versions: a lockfile change between the
 * ref and now is not rehearsed).
 */
export function addWorktree(root: string, commit: string): Worktree {
	const dir = mkdtempSync(path.join(tmpdir(), "kiln-gate-ref-"));
	git(root, ["worktree", "add", "--detach", "--force", dir, commit]);
	const own = path.join(root, "node_modules");
	const modules = existsSync(own) ? own : gateNodeModules;
	if (!existsSync(path.join(dir, "node_modules"))) symlinkSync(modules, path.join(dir, "node_modules"), "dir");
	return {
		dir,
		remove() {
			try {
				git(root, ["worktree", "remove", "--force", dir]);
			} catch {
				rmSync(dir, { recursive: true, force: true });
				try {
					git(root, ["worktree", "prune"]);
				} catch {
					/* nothing left to clean */
				}
			}
		},
	};
}
