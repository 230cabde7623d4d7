/**
 * What the model has written so far, split for display: the short plan it
 * writes first, and the HTML inside its ```html fence. The text may stop
 * anywhere — mid-fence, mid-tag — while it streams.
 */
export interface StreamParts {
	plan: string;
	code: string;
	/** True once the closing fence has arrived. */
	codeComplete: boolean;
}

const OPEN_FENCE = /(^|\n)[ \t]*```[ \t]*(html|htm)?[^\n]*\n/i;

export function splitStream(text: string): StreamParts {
	const open = OPEN_FENCE.exec(text);
	if (!open) {
		// No fence (yet). Text that already looks like a document is code
		// (starter apps and some models answer with bare HTML); anything else is plan.
		if (/^\s*(<!doctype|<html|<head|<body|<)/i.test(text) && /^\s*</.test(text)) {
			return { plan: "", code: text, codeComplete: false };
		}
		// A fence may be half-written at the very end: keep it out of the plan.
		return { plan: stripFences(text.replace(/\n?[ \t]*`{1,3}[a-z]*$/i, "")).trim(), code: "", codeComplete: false };
	}
	// A ```thinking (or other non-html) fence first is plan: look for the html one.
	const fenceLang = (open[2] ?? "").toLowerCase();
	let start = open.index + open[0].length;
	let planEnd = open.index;
	if (!fenceLang) {
		const htmlFence = /(^|\n)[ \t]*```[ \t]*html?[^\n]*\n/i.exec(text);
		if (htmlFence) {
			start = htmlFence.index + htmlFence[0].length;
			planEnd = htmlFence.index;
		} else if (!/^\s*</.test(text.slice(start))) {
			// An unlabelled fence whose content is not markup: a plan block.
			return { plan: stripFences(text), code: "", codeComplete: false };
		}
	}
	const rest = text.slice(start);
	const close = /\n[ \t]*```/.exec(rest);
	const code = close ? rest.slice(0, close.index + 1) : rest.replace(/\n[ \t]*`{1,2}$/, "\n");
	return { plan: stripFences(text.slice(0, planEnd)).trim(), code, codeComplete: Boolean(close) };
}

/** The plan as prose: no fence lines, no "Plan:" heading (the panel has its own). */
function stripFences(s: string): string {
	return s.replace(/^[ \t]*```[^\n]*\n?/gm, "").replace(/^\s*(#+\s*)?plan:?[ \t]*\n/i, "");
}
