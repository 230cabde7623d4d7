/** The console's pure helpers (tested in Node: test/spa/notion-console.test.ts). */
import type { EventSummaryJson } from "../../shared/notion-console";

/** Where Notion must send a route's webhooks: this Kiln's origin, under /notion. */
export function routeUrl(origin: string, path: string, options: Record<string, string>): string {
	const q = new URLSearchParams(Object.entries(options).filter(([, v]) => v.trim() !== "")).toString();
	return `${origin}/notion${path}${q ? `?${q}` : ""}`;
}

/** A page id out of whatever was pasted: the id itself, or a Notion link ending in one. */
export function pageIdFrom(text: string): string {
	const m = /([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})(?:[?#].*)?$/i.exec(text.trim());
	return m ? m[1] : text.trim();
}

/** Merges changed events into the table (an event's newest state wins). */
export function mergeEvents(
	table: Map<string, EventSummaryJson>,
	changed: EventSummaryJson[],
): Map<string, EventSummaryJson> {
	const next = new Map(table);
	for (const e of changed) {
		const known = next.get(e.id);
		if (!known || known.updatedAt <= e.updatedAt) next.set(e.id, e);
	}
	return next;
}
