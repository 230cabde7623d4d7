/**
 * The creator's edit tokens, kept in this browser's localStorage per project
 * so editing continues after a reload. The token is shown once by the API and
 * stored nowhere else; generated apps run on their own origins and cannot read it.
 */
const PREFIX = "kiln:edit-token:";

/** Where storage is disabled (or full), tokens live as long as the page: editing works until it is closed. */
const inMemory = new Map<string, string>();

export function getEditToken(project: string): string | null {
	try {
		return localStorage.getItem(PREFIX + project) ?? inMemory.get(project) ?? null;
	} catch {
		return inMemory.get(project) ?? null;
	}
}

export function saveEditToken(project: string, token: string): void {
	try {
		localStorage.setItem(PREFIX + project, token);
	} catch {
		inMemory.set(project, token);
	}
}

/** The apps this browser made or remixed, newest first, for the home page. */
export interface RecentApp {
	project: string;
	title: string;
	/** When it was last opened or edited here (ms since the epoch). */
	at: number;
}

const RECENT = "kiln:recent-apps";
const MAX_RECENT = 12;

export function recentApps(): RecentApp[] {
	try {
		const list = JSON.parse(localStorage.getItem(RECENT) ?? "[]") as RecentApp[];
		// Only apps this browser can still edit.
		return Array.isArray(list) ? list.filter((a) => getEditToken(a.project)) : [];
	} catch {
		return [];
	}
}

export function rememberApp(project: string, title: string): void {
	try {
		const rest = recentApps().filter((a) => a.project !== project);
		const list = [{ project, title, at: Date.now() }, ...rest].slice(0, MAX_RECENT);
		localStorage.setItem(RECENT, JSON.stringify(list));
	} catch {}
}
