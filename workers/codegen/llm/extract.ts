import { type Extraction, extractApp } from "../../../src/shared/answer";

/**
 * The app in a finished answer, as Kiln stores it: the shared reader
 * (src/shared/answer.ts, the one the SPA shows the stream with) picks the
 * files; an app that uses the data store without loading its client gets it.
 */
export function extractAppFiles(answer: string, finishReason?: string): Extraction {
	const found = extractApp(answer, finishReason);
	return found.ok ? { ...found, html: withDataClient(found.html) } : found;
}

const CLIENT_TAG = '<script src="/_kiln/db.js"></script>';

/** An app that uses `kiln.db` but forgot the client's script tag gets it, in <head>. */
export function withDataClient(html: string): string {
	if (!/\bkiln\.(db|id)\b/.test(html) || html.includes("/_kiln/db.js")) return html;
	const head = /<head[^>]*>/i.exec(html);
	if (head) return html.slice(0, head.index + head[0].length) + CLIENT_TAG + html.slice(head.index + head[0].length);
	const doctype = /<!doctype[^>]*>/i.exec(html);
	if (doctype)
		return (
			html.slice(0, doctype.index + doctype[0].length) + CLIENT_TAG + html.slice(doctype.index + doctype[0].length)
		);
	return CLIENT_TAG + html;
}

/** The app's <title>, for the project's title. */
export function titleOf(html: string): string | null {
	const m = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(html);
	return m ? m[1].trim() || null : null;
}
