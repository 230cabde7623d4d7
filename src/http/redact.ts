/**
 * Text that came from outside (an upstream's error message, a site's title, a
 * webhook's token) on its way into a log line or a D1 row. Upstreams echo what
 * they were sent: a proxy in front of Notion that answers
 * `401 bad header "Authorization: Bearer ntn_..."` would otherwise put the
 * integration's secret into the event log and the Worker's logs.
 */

/** Default bound on what is kept of one upstream text. */
export const UPSTREAM_TEXT_MAX = 300;
/** Only this much is ever scanned, so a 900 KB answer costs no more than a short one. */
const SCAN_MAX = 16_384;
/** Shorter configured values are not searched for: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 8;

const TOKEN_PATTERNS: readonly [RegExp, string][] = [
	// Credentials in header syntax, wherever a proxy or an SDK quotes them. "Basic" only
	// capitalised and before base64: "basic validation failed" is an ordinary sentence.
	[/\b(Bearer)\s+[^\s"',;]+/gi, "$1 [redacted]"],
	[/\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g, "Basic [redacted]"],
	// Notion integration secrets (ntn_, older secret_), Kiln's own edit tokens (kiln_).
	[/\b(ntn|secret|kiln)_[A-Za-z0-9_-]{8,}/g, "$1_[redacted]"],
	// The OpenAI-style API keys most model providers hand out (sk-..., sk-ant-...).
	[/\bsk-[A-Za-z0-9_-]{16,}/g, "sk-[redacted]"],
];

// C0 and C1 controls (newlines forge log lines, ESC and CSI drive terminals),
// and Unicode's line separators and bidi overrides (which reorder what a reader sees).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export interface RedactOptions {
	/** Values of configured secrets (tokens, keys) to cut out wherever they appear. */
	secrets?: readonly (string | null | undefined)[];
	/** At most this many characters are kept (default UPSTREAM_TEXT_MAX). */
	max?: number;
}

/**
 * What may be stored or logged of an upstream text: known token shapes and the
 * configured secrets replaced by `[redacted]`, control characters escaped
 * (`\u001b`), cut to `max` characters with a trailing "…".
 *
 * @example redact(`echo: Bearer ${token}`, { secrets: [token] }) // "echo: Bearer [redacted]"
 */
export function redact(text: unknown, opts: RedactOptions = {}): string {
	let out = String(text ?? "").slice(0, SCAN_MAX);
	// Longest first, so a secret that contains another is cut out whole.
	const secrets = (opts.secrets ?? [])
		.filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH)
		.sort((a, b) => b.length - a.length);
	for (const secret of secrets) out = out.split(secret).join("[redacted]");
	for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
	return clip(escapeControls(out), opts.max ?? UPSTREAM_TEXT_MAX);
}

/**
 * `text` with control characters, line separators and bidi overrides written as
 * `\u001b`-style escapes: safe to put in one log line that a terminal shows.
 * For text that must be shown whole (a token to paste); `redact` adds the rest.
 */
export function escapeControls(text: string): string {
	return text.replace(UNPRINTABLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `text` cut to at most `max` characters (never inside a surrogate pair), "…" marking a cut. */
export function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = Math.max(0, max - 1);
	const last = text.charCodeAt(end - 1);
	if (last >= 0xd800 && last <= 0xdbff) end--;
	return `${text.slice(0, end)}…`;
}
