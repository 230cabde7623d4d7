/**
 * The sandbox's console, with the app's secret values hidden, as the source of
 * a module of its sandbox (`kiln-console.js`). The owner's log does not depend
 * on it (the Tail Worker redacts what it stores, out of the app's reach:
 * logs/tail.ts); this is for whatever else prints the sandbox's console, such
 * as `wrangler dev`'s terminal. An app can undo it, as it can print a value
 * any other way: it only keeps the app's own output tidy by default.
 *
 * Arguments without a secret value go through untouched; one with a value is
 * passed on as text (an object as JSON, an Error as a new Error with the value
 * cut from its message and stack).
 */
export const CONSOLE_MODULE = `const REDACTED = "[secret]";
let needles = null;

export function hideSecrets(values) {
	if (needles !== null) return;
	needles = [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))]
		.filter((v) => v.length > 0)
		.sort((a, b) => b.length - a.length);
	if (needles.length === 0) return;
	for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
		const write = console[level];
		if (typeof write !== "function") continue;
		console[level] = (...args) => write.apply(console, args.map(clean));
	}
}

function has(text) {
	return needles.some((n) => text.includes(n));
}

function cut(text) {
	for (const n of needles) text = text.split(n).join(REDACTED);
	return text;
}

function clean(arg) {
	if (typeof arg === "string") return has(arg) ? cut(arg) : arg;
	if (arg instanceof Error) {
		const text = String(arg.name) + String(arg.message) + String(arg.stack ?? "");
		if (!has(text)) return arg;
		const copy = new Error(cut(String(arg.message)));
		copy.name = cut(String(arg.name));
		copy.stack = cut(String(arg.stack ?? ""));
		return copy;
	}
	let text;
	try {
		text = typeof arg === "object" && arg !== null ? JSON.stringify(arg) : String(arg);
	} catch {
		text = String(arg);
	}
	return typeof text === "string" && has(text) ? cut(text) : arg;
}
`;
