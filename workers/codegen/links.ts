import { type AppLinks, projectFromHost, projectOrigin } from "../../src/shared/api";

/**
 * Where a project (or one pinned version of it) runs and how to share it, for a
 * request that reached Kiln at `requestUrl`.
 */
export function appLinks(requestUrl: string, project: string, pattern: string | undefined, version?: number): AppLinks {
	const main = new URL(requestUrl).origin;
	const own = projectOrigin(project, requestUrl, pattern);
	const share = version === undefined ? `${main}/p/${project}` : `${main}/p/${project}/v/${version}`;
	// Where the app runs ends in a slash, so its relative api/... URLs reach its own version's server.
	if (!own) return { appUrl: `${share}/`, shareUrl: share, isolation: "sandbox" };
	return { appUrl: version === undefined ? `${own}/` : `${own}/v/${version}/`, shareUrl: share, isolation: "origin" };
}

/** The project whose own origin a request was sent to, if any. */
export function hostProject(requestUrl: string, pattern: string | undefined): string | null {
	return projectFromHost(new URL(requestUrl).host, pattern);
}
