/** Display helpers: numbers and times as the stats bar and history show them. */
const int = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat("en", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const two = new Intl.NumberFormat("en", { maximumFractionDigits: 2, minimumFractionDigits: 2 });

export const formatInt = (n: number) => int.format(n);
export const formatSeconds = (ms: number) => (ms < 10_000 ? two : one).format(ms / 1000);
export const formatMs = (ms: number) => (ms < 1000 ? `${int.format(ms)} ms` : `${formatSeconds(ms)} s`);

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
export function formatAgo(timestamp: number, now = Date.now()): string {
	const s = Math.round((timestamp - now) / 1000);
	if (Math.abs(s) < 45) return "just now";
	const m = Math.round(s / 60);
	if (Math.abs(m) < 60) return rtf.format(m, "minute");
	const h = Math.round(m / 60);
	if (Math.abs(h) < 24) return rtf.format(h, "hour");
	return new Date(timestamp).toLocaleDateString("en", { day: "numeric", month: "short", year: "numeric" });
}

export function plural(n: number, word: string): string {
	return `${formatInt(n)} ${word}${n === 1 ? "" : "s"}`;
}
