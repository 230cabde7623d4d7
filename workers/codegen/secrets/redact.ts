/**
 * A project's secret values cut out of text on its way into the owner's log:
 * as printed, and as they read inside JSON (an object logged whole, a value
 * with quotes or newlines). Every value counts, however short: the log is for
 * the owner, who knows what the app printed, but a value must never be stored
 * or shown in it. An app that transforms a value before printing it (base64,
 * a slice) is not caught: only the literal text is known here.
 */
export const REDACTED = "[secret]";

export function secretRedactor(values: readonly string[]): (text: string) => string {
	const needles = [...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))]
		.filter((v) => v.length > 0)
		// Longest first, so a value that contains another is cut out whole.
		.sort((a, b) => b.length - a.length);
	if (needles.length === 0) return (text) => text;
	return (text) => {
		let out = text;
		for (const needle of needles) out = out.split(needle).join(REDACTED);
		return out;
	};
}
