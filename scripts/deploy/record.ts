import { git } from "../../src/gate/git";

/**
 * Where a deploy records what it deployed: a git ref in the deploying
 * checkout. `git push origin refs/kiln/deployed` shares it with the team
 * (the deploy does not push on its own: it never writes to a remote it was
 * not asked to).
 */
export const DEPLOYED_REF = "refs/kiln/deployed";

export function lastDeployed(root: string): string | null {
	try {
		return git(root, ["rev-parse", "--verify", "--quiet", `${DEPLOYED_REF}^{commit}`]).trim() || null;
	} catch {
		return null;
	}
}

export function recordDeployed(root: string, commit: string): void {
	git(root, ["update-ref", "-m", `kiln deploy ${new Date().toISOString()}`, DEPLOYED_REF, commit]);
}
