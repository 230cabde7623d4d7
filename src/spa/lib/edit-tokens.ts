/**
 * The creator's edit tokens, kept in this browser's localStorage per project
 * so editing continues after a reload. The token is shown once by the API and
 * stored nowhere else; generated apps run on their own origins and cannot read it.
 */
const PREFIX = "kiln:edit-token:";

export function getEditToken(project: string): string | null {
	try {
		return localStorage.getItem(PREFIX + project);
	} catch {
		return null; // storage disabled: editing works until the page is closed
	}
}

export function saveEditToken(project: string, token: string): void {
	try {
		localStorage.setItem(PREFIX + project, token);
	} catch {}
}
