import { gitPaths } from "../../src/gate/git";

export interface Changed {
	/** git status's two-letter code: `??` untracked, `!!` ignored, ` M` modified, `A ` staged, ` D` deleted... */
	status: string;
	path: string;
}

/**
 * Everything under `dir` that differs from HEAD: untracked, ignored,
 * modified, staged or deleted files. `wrangler d1 migrations apply` applies
 * whatever .sql files the folder holds, so any of these would reach
 * production without being in the commit the deploy records.
 */
export function changedUnder(root: string, dir: string): Changed[] {
	return parseStatus(
		gitPaths(root, ["status", "--porcelain=v1", "--untracked-files=all", "--ignored=matching", "--", dir]),
	);
}

/** Tracked files with uncommitted changes anywhere in the work tree. */
export function trackedChanges(root: string): Changed[] {
	return parseStatus(gitPaths(root, ["status", "--porcelain=v1", "--untracked-files=no"]));
}

/** `git status --porcelain -z` entries: "XY path", and a rename or copy's source as the next entry. */
function parseStatus(entries: string[]): Changed[] {
	const out: Changed[] = [];
	for (let i = 0; i < entries.length; i++) {
		const status = entries[i].slice(0, 2);
		out.push({ status, path: entries[i].slice(3) });
		if (/[RC]/.test(status)) i++;
	}
	return out;
}

export function describeChange(c: Changed): string {
	const what =
		c.status === "??"
			? "untracked"
			: c.status === "!!"
				? "ignored by git"
				: c.status.includes("D")
					? "deleted"
					: c.status.includes("A")
						? "added, not committed"
						: "modified";
	return `${c.path} (${what})`;
}
