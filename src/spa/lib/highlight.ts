/**
 * A small syntax highlighter for what Kiln shows: one HTML file with CSS in
 * <style> and JavaScript in <script>. It tolerates text that is cut off
 * anywhere (the code is highlighted while it streams in) and produces tokens,
 * never HTML, so model output is only ever rendered as text.
 * Hand-written, not Prism or Shiki: those re-highlight whole text and expect it complete, and weigh more than this.
 */
export type TokenKind =
	| "plain"
	| "tag"
	| "attr"
	| "string"
	| "comment"
	| "keyword"
	| "number"
	| "literal"
	| "property"
	| "selector"
	| "entity"
	| "doctype"
	| "punct"
	| "function";

export interface Token {
	kind: TokenKind;
	text: string;
}

const JS_KEYWORDS = new Set(
	(
		"async await break case catch class const continue debugger default delete do else export extends finally for " +
		"from function if import in instanceof let new of return static super switch throw try typeof var void while with yield get set"
	).split(" "),
);
const JS_LITERALS = new Set(["true", "false", "null", "undefined", "this", "NaN", "Infinity"]);

type Mode = "html" | "script" | "style";

/** Tokens of a whole document, split into lines (a token never spans a newline). */
export function highlightLines(source: string): Token[][] {
	return splitIntoLines(tokenize(source));
}

export function tokenize(src: string): Token[] {
	const out: Token[] = [];
	const push = (kind: TokenKind, text: string) => {
		if (!text) return;
		const last = out[out.length - 1];
		if (last && last.kind === kind) last.text += text;
		else out.push({ kind, text });
	};
	let i = 0;
	let mode: Mode = "html";
	while (i < src.length) {
		if (mode === "script" || mode === "style") {
			const close = new RegExp(`</${mode}`, "ig");
			close.lastIndex = i;
			const m = close.exec(src);
			const end = m ? m.index : src.length;
			const chunk = src.slice(i, end);
			if (mode === "script") tokenizeJs(chunk, push);
			else tokenizeCss(chunk, push);
			i = end;
			mode = "html";
			continue;
		}
		// HTML text and markup.
		if (src.startsWith("<!--", i)) {
			const end = src.indexOf("-->", i + 4);
			const stop = end === -1 ? src.length : end + 3;
			push("comment", src.slice(i, stop));
			i = stop;
		} else if (/^<![a-z]/i.test(src.slice(i, i + 3))) {
			const end = src.indexOf(">", i);
			const stop = end === -1 ? src.length : end + 1;
			push("doctype", src.slice(i, stop));
			i = stop;
		} else if (/^<\/?[a-z]/i.test(src.slice(i, i + 3))) {
			const name = /^<\/?([a-z][a-z0-9-]*)/i.exec(src.slice(i, i + 64));
			const closing = src[i + 1] === "/";
			const tagText = name ? name[0] : "<";
			push("tag", tagText);
			i += tagText.length;
			i = tokenizeTagBody(src, i, push);
			const tagName = name?.[1].toLowerCase();
			if (!closing && src[i - 1] === ">" && src[i - 2] !== "/" && (tagName === "script" || tagName === "style")) {
				mode = tagName;
			}
		} else if (src[i] === "&") {
			const m = /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.exec(src.slice(i, i + 40));
			push(m ? "entity" : "plain", m ? m[0] : "&");
			i += m ? m[0].length : 1;
		} else {
			let j = i + 1;
			while (j < src.length && src[j] !== "<" && src[j] !== "&") j++;
			push("plain", src.slice(i, j));
			i = j;
		}
	}
	return out;
}

/** Attributes up to and including the closing `>` (or the end of the text). */
function tokenizeTagBody(src: string, start: number, push: (k: TokenKind, t: string) => void): number {
	let i = start;
	let afterEquals = false;
	while (i < src.length) {
		const ch = src[i];
		if (ch === ">") {
			push("tag", ">");
			return i + 1;
		}
		if (ch === "/" && src[i + 1] === ">") {
			push("tag", "/>");
			return i + 2;
		}
		if (/\s/.test(ch)) {
			let j = i + 1;
			while (j < src.length && /\s/.test(src[j])) j++;
			push("plain", src.slice(i, j));
			i = j;
		} else if (ch === "=") {
			push("punct", "=");
			afterEquals = true;
			i++;
		} else if (ch === '"' || ch === "'") {
			const end = src.indexOf(ch, i + 1);
			const stop = end === -1 ? src.length : end + 1;
			push("string", src.slice(i, stop));
			afterEquals = false;
			i = stop;
		} else {
			let j = i + 1;
			while (j < src.length && !/[\s=>"']/.test(src[j]) && !(src[j] === "/" && src[j + 1] === ">")) j++;
			push(afterEquals ? "string" : "attr", src.slice(i, j));
			afterEquals = false;
			i = j;
		}
	}
	return i;
}

function tokenizeJs(src: string, push: (k: TokenKind, t: string) => void): void {
	let i = 0;
	while (i < src.length) {
		const ch = src[i];
		const next = src[i + 1];
		if (ch === "/" && next === "/") {
			const end = src.indexOf("\n", i);
			const stop = end === -1 ? src.length : end;
			push("comment", src.slice(i, stop));
			i = stop;
		} else if (ch === "/" && next === "*") {
			const end = src.indexOf("*/", i + 2);
			const stop = end === -1 ? src.length : end + 2;
			push("comment", src.slice(i, stop));
			i = stop;
		} else if (ch === '"' || ch === "'" || ch === "`") {
			const stop = stringEnd(src, i, ch);
			push("string", src.slice(i, stop));
			i = stop;
		} else if (/[0-9]/.test(ch) || (ch === "." && next !== undefined && /[0-9]/.test(next))) {
			const m = /^(0x[0-9a-f_]+|0b[01_]+|(\d[\d_]*)?\.?\d[\d_]*(e[+-]?\d+)?n?)/i.exec(src.slice(i, i + 64));
			const text = m?.[0] || ch;
			push("number", text);
			i += text.length;
		} else if (/[A-Za-z_$]/.test(ch)) {
			let j = i + 1;
			while (j < src.length && /[\w$]/.test(src[j])) j++;
			const word = src.slice(i, j);
			const prev = src[i - 1];
			if (prev === ".") push(/^\s*\(/.test(src.slice(j, j + 8)) ? "function" : "plain", word);
			else if (JS_KEYWORDS.has(word)) push("keyword", word);
			else if (JS_LITERALS.has(word)) push("literal", word);
			else if (/^\s*\(/.test(src.slice(j, j + 8))) push("function", word);
			else push("plain", word);
			i = j;
		} else {
			push(/[{}()[\];,.:?<>=!+\-*/%&|^~]/.test(ch) ? "punct" : "plain", ch);
			i++;
		}
	}
}

/** End of a quoted string (after its closing quote), honouring backslash escapes. */
function stringEnd(src: string, start: number, quote: string): number {
	let i = start + 1;
	while (i < src.length) {
		const c = src[i];
		if (c === "\\") i += 2;
		else if (c === quote) return i + 1;
		else if (c === "\n" && quote !== "`") return i;
		else i++;
	}
	return src.length;
}

function tokenizeCss(src: string, push: (k: TokenKind, t: string) => void): void {
	let i = 0;
	let depth = 0;
	let inValue = false;
	while (i < src.length) {
		const ch = src[i];
		if (ch === "/" && src[i + 1] === "*") {
			const end = src.indexOf("*/", i + 2);
			const stop = end === -1 ? src.length : end + 2;
			push("comment", src.slice(i, stop));
			i = stop;
		} else if (ch === '"' || ch === "'") {
			const stop = stringEnd(src, i, ch);
			push("string", src.slice(i, stop));
			i = stop;
		} else if (ch === "{" || ch === "}") {
			depth += ch === "{" ? 1 : -1;
			if (depth < 0) depth = 0;
			inValue = false;
			push("punct", ch);
			i++;
		} else if (ch === ";") {
			inValue = false;
			push("punct", ch);
			i++;
		} else if (ch === "@") {
			const m = /^@[\w-]+/.exec(src.slice(i, i + 40));
			const text = m?.[0] ?? "@";
			push("keyword", text);
			i += text.length;
		} else if (inValue && ch === "#") {
			const m = /^#[0-9a-f]{3,8}\b/i.exec(src.slice(i, i + 12));
			const text = m?.[0] ?? "#";
			push(m ? "number" : "plain", text);
			i += text.length;
		} else if (inValue && /[0-9.-]/.test(ch) && /^-?\.?[0-9]/.test(src.slice(i, i + 3))) {
			const m = /^-?(\d*\.)?\d+(%|[a-z]+)?/i.exec(src.slice(i, i + 32));
			const text = m?.[0] ?? ch;
			push("number", text);
			i += text.length;
		} else if (/[\w-]/.test(ch)) {
			let j = i + 1;
			while (j < src.length && /[\w-]/.test(src[j])) j++;
			const word = src.slice(i, j);
			const isProperty =
				depth > 0 &&
				!inValue &&
				/^\s*:/.test(src.slice(j, j + 16)) &&
				!/^\s*:[\w-]+\s*[,{(]/.test(src.slice(j, j + 40));
			if (isProperty) push("property", word);
			else if (inValue) push(src[j] === "(" ? "function" : "plain", word);
			else push("selector", word);
			i = j;
		} else if (ch === ":" && depth > 0 && !inValue && isDeclarationColon(src, i)) {
			inValue = true;
			push("punct", ch);
			i++;
		} else {
			push(depth > 0 || inValue ? "plain" : "selector", ch);
			i++;
		}
	}
}

/** A colon that starts a declaration's value (not a pseudo-class like `a:hover {`). */
function isDeclarationColon(src: string, i: number): boolean {
	const rest = src.slice(i + 1, i + 80);
	const brace = rest.indexOf("{");
	const semi = rest.search(/[;}]/);
	return brace === -1 || (semi !== -1 && semi < brace);
}

function splitIntoLines(tokens: Token[]): Token[][] {
	const lines: Token[][] = [[]];
	for (const t of tokens) {
		const parts = t.text.split("\n");
		parts.forEach((part, k) => {
			if (k > 0) lines.push([]);
			if (part) lines[lines.length - 1].push({ kind: t.kind, text: part });
		});
	}
	return lines;
}
