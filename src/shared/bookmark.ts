/**
 * D1 bookmarks as Kiln's API carries them: a state of the database, which a
 * client hands back so that its next reads see at least that state (its own
 * writes). Shared by the codegen Worker and the SPA.
 */

/**
 * The header both ways: every API answer says the newest state its reads or
 * writes saw; a request that sends one reads from a copy at least that new.
 * Cloudflare's own examples use the same name.
 */
export const BOOKMARK_HEADER = "x-d1-bookmark";

/**
 * A D1 bookmark: three 8-digit hex fields and a hex hash, as in
 * `00000085-0000024c-00004c6d-8e6111...` (D1's Time Travel docs; the local
 * simulator's hash is 32 zeros, deployed D1's 64 digits). Lowercase only:
 * bookmarks of one database sort oldest to newest as plain strings, which is
 * how the newest is picked.
 */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32,128}$/;

export function isBookmark(value: unknown): value is string {
	return typeof value === "string" && BOOKMARK.test(value);
}

/** The newer of two bookmarks (either may be missing). */
export function newerBookmark(a: string | null | undefined, b: string | null | undefined): string | null {
	if (!a) return b ?? null;
	if (!b) return a;
	return b > a ? b : a;
}
