/**
 * The SPA's routes, on the History API (no router library: four routes).
 *   /                      the prompt
 *   /projects/:id          a project at its latest version
 *   /projects/:id/v/:n     a project at version n
 *   /console/notion        the operator's Notion console (loaded on demand; not under
 *                          /notion/*, which the gateway sends to the notion Worker)
 * The web Worker answers every page navigation with index.html.
 */
import { useSyncExternalStore } from "react";
import { PROJECT_ID, VERSION_NUMBER } from "../../shared/ids";

export type Route =
	| { name: "home" }
	| { name: "project"; project: string; version: number | null }
	| { name: "notion-console" }
	| { name: "not-found"; path: string };

export function parseRoute(pathname: string): Route {
	if (pathname === "/" || pathname === "") return { name: "home" };
	if (pathname === NOTION_CONSOLE_PATH || pathname === `${NOTION_CONSOLE_PATH}/`) return { name: "notion-console" };
	const m = /^\/projects\/([^/]+)(?:\/v\/([^/]+))?\/?$/.exec(pathname);
	if (m && PROJECT_ID.test(m[1]) && (m[2] === undefined || VERSION_NUMBER.test(m[2]))) {
		return { name: "project", project: m[1], version: m[2] ? Number(m[2]) : null };
	}
	return { name: "not-found", path: pathname };
}

export const NOTION_CONSOLE_PATH = "/console/notion";

export function projectPath(project: string, version?: number | null): string {
	return version ? `/projects/${project}/v/${version}` : `/projects/${project}`;
}

const listeners = new Set<() => void>();
const notify = () => {
	for (const l of listeners) l();
};
if (typeof window !== "undefined") window.addEventListener("popstate", notify);

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
	if (to === location.pathname) return;
	if (opts.replace) history.replaceState(null, "", to);
	else history.pushState(null, "", to);
	window.scrollTo(0, 0);
	notify();
}

function subscribe(l: () => void) {
	listeners.add(l);
	return () => listeners.delete(l);
}

export function usePathname(): string {
	return useSyncExternalStore(subscribe, () => location.pathname);
}
