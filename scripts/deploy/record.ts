import { git } from "../../src/gate/git";

/**
 * Where a deploy records what it deployed: a git ref in the deploying
 * checkout. `git push origin refs/kiln/deployed` shares it with the team
 * (the deploy does not push on its own: it never writes to a remote it was
 * not asked to).
 *
 * Each deploy adds one commit to the ref's own line of history: its tree is
 * the deployed commit's, its parents are the previous record and the
 * deployed commit, its message says how that deploy was gated (an
 * `--against` that overrode the record, a `--first`), and its last line is
 * `Kiln-Deployed: <commit>`. Because every record descends from the one
 * before, pushing and fetching the ref fast-forward even when the deployed
 * commits themselves do not (a squash merge, a rollback to an older commit).
 * `git log refs/kiln/deployed` reads the history of deploys.
 */
export const DEPLOYED_REF = "refs/kiln/deployed";
const TRAILER = "Kiln-Deployed";

export interface DeployRecord {
	/** The commit whose code the last deploy put live. */
	commit: string;
	/** The record entry itself; the same as `commit` for a record from before entries had messages. */
	entry: string;
}

export function lastDeployed(root: string): DeployRecord | null {
	let entry: string;
	try {
		entry = git(root, ["rev-parse", "--verify", "--quiet", `${DEPLOYED_REF}^{commit}`]).trim();
	} catch {
		return null;
	}
	if (!entry) return null;
	const message = git(root, ["log", "-1", "--format=%B", entry]);
	const deployed = new RegExp(`^${TRAILER}: ([0-9a-f]{40,64})$`, "m").exec(message)?.[1];
	return { commit: deployed ?? entry, entry };
}

/**
 * Records `commit` as deployed, with `how` (one line each) saying how the
 * deploy was gated. Moves the ref only if it still holds what this deploy
 * read at the start, so two deploys from one checkout cannot lose a record.
 */
export function recordDeployed(root: string, commit: string, previous: DeployRecord | null, how: string[]): string {
	const message = [
		`kiln deploy ${commit.slice(0, 12)}`,
		"",
		`Deployed at ${new Date().toISOString()}.`,
		...how,
		"",
		`${TRAILER}: ${commit}`,
		"",
	].join("\n");
	const parents = [...new Set([previous?.entry, commit].filter((p): p is string => Boolean(p)))];
	const entry = git(
		root,
		[...identity(root), "commit-tree", `${commit}^{tree}`, ...parents.flatMap((p) => ["-p", p]), "-F", "-"],
		message,
	).trim();
	git(root, ["update-ref", "-m", `kiln deploy ${commit}`, DEPLOYED_REF, entry, previous?.entry ?? ""]);
	return entry;
}

/**
 * A record must be written even on a CI runner with no git identity (the
 * Workers are live by then): fall back to a fixed one when git has none.
 */
function identity(root: string): string[] {
	try {
		git(root, ["var", "GIT_COMMITTER_IDENT"]);
		git(root, ["var", "GIT_AUTHOR_IDENT"]);
		return [];
	} catch {
		return ["-c", "user.name=kiln deploy", "-c", "user.email=deploy@kiln.invalid"];
	}
}
