/**
 * Read-your-writes for this tab. Kiln's API answers each request with a D1
 * bookmark (`x-d1-bookmark`: the database state its queries saw; a
 * generation's `done` event carries the one of the write that stored the
 * version). The tab keeps the newest it has seen and sends it with every API
 * request, so a read after a write is answered by a copy of the database at
 * least that new, even a replica far from the database's primary
 * (workers/codegen/README.md › Reads and replicas).
 *
 * Kept in sessionStorage: per tab, and through a reload.
 */
import { BOOKMARK_HEADER, isBookmark, newerBookmark } from "../../shared/bookmark";

const KEY = "kiln:d1-bookmark";

/** Where sessionStorage is missing or disabled, the bookmark lives as long as the page. */
let inMemory: string | null = null;

export function newestBookmark(): string | null {
	try {
		return newerBookmark(sessionStorage.getItem(KEY), inMemory);
	} catch {
		return inMemory;
	}
}

/** Keeps `value` if it is a bookmark newer than the one kept; anything else is ignored. */
export function noteBookmark(value: unknown): void {
	if (!isBookmark(value)) return;
	const newest = newerBookmark(newestBookmark(), value);
	inMemory = newest;
	try {
		if (newest) sessionStorage.setItem(KEY, newest);
	} catch {
		// In memory only.
	}
}

/** `fetch` for the API client: sends the newest bookmark, keeps the one each answer brings. */
export const bookmarkedFetch: typeof fetch = async (input, init) => {
	const headers = new Headers(init?.headers);
	const newest = newestBookmark();
	if (newest) headers.set(BOOKMARK_HEADER, newest);
	const res = await fetch(input, { ...init, headers });
	noteBookmark(res.headers.get(BOOKMARK_HEADER));
	return res;
};
