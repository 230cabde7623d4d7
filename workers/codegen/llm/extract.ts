/**
 * Takes the app out of a model's answer. The answer must hold an ```html fence
 * (a bare ``` fence whose content starts like an HTML document also counts);
 * a fence that never closes, or a document that opens <html> and never closes
 * it, is a truncated answer. Nothing here ever turns a bad answer into a version.
 */
export type Extraction =
	| { ok: true; html: string }
	| { ok: false; code: "empty_answer" | "no_html" | "truncated_answer"; message: string };

const FENCE_OPEN = /^[ \t]*```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n/gm;

export function extractHtml(answer: string, finishReason?: string): Extraction {
	if (answer.trim() === "") {
		return { ok: false, code: "empty_answer", message: "The model answered with nothing." };
	}
	if (finishReason === "length") {
		return {
			ok: false,
			code: "truncated_answer",
			message: "The model stopped at its output limit before finishing the app.",
		};
	}
	let found: { html: string } | null = null;
	let unclosed = false;
	let after = 0; // where the last block ended: a fence line before it is that block's closing line
	for (const open of answer.matchAll(FENCE_OPEN)) {
		if ((open.index ?? 0) < after) continue;
		const lang = open[1].toLowerCase();
		const start = (open.index ?? 0) + open[0].length;
		const rest = answer.slice(start);
		const close = /^[ \t]*```[ \t]*$/m.exec(rest);
		const body = close ? rest.slice(0, close.index) : rest;
		after = close ? start + close.index + close[0].length : answer.length;
		const looksHtml = lang === "html" || (lang === "" && /^\s*(<!doctype html|<html)/i.test(body));
		if (!looksHtml) continue;
		if (!close) {
			// It runs to the end of the answer: the answer stopped while writing it. An earlier,
			// finished block is a draft the model went on to replace, not the app.
			unclosed = true;
			found = null;
			break;
		}
		found = { html: body.trim() };
	}
	if (!found) {
		return unclosed
			? {
					ok: false,
					code: "truncated_answer",
					message: "The model's HTML ends before its closing fence: the answer was cut short.",
				}
			: { ok: false, code: "no_html", message: "The model's answer has no ```html block." };
	}
	if (found.html === "") return { ok: false, code: "empty_answer", message: "The model's ```html block is empty." };
	if (/<html[\s>]/i.test(found.html) && !/<\/html\s*>/i.test(found.html)) {
		return {
			ok: false,
			code: "truncated_answer",
			message: "The model's HTML opens <html> but never closes it: the answer was cut short.",
		};
	}
	return { ok: true, html: withDataClient(found.html) };
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
