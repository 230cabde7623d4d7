/**
 * Cookie tossing: an app served from a sibling subdomain (`<project>.apps.example.com`
 * beside `kiln.example.com`) can set cookies for the parent domain, and the
 * browser then sends them to Kiln and to every other app. Kiln itself sets and
 * reads no cookies (its edit tokens live in the SPA's localStorage, out of an
 * app's reach), so a tossed cookie cannot log anyone in or out of Kiln. What it
 * can do is swell the `Cookie` header until something downstream refuses the
 * request (a "cookie bomb"). A header over the bound is dropped here, before
 * routing, so Kiln and the apps' own code go on answering.
 */

/**
 * Browsers cap one cookie at 4 KiB; a site's own cookies rarely add up to more
 * than a few. 8 KiB leaves an app room for its own and none for a bomb.
 */
export const COOKIE_HEADER_MAX = 8 * 1024;

/** The request, without its `Cookie` header when that is longer than COOKIE_HEADER_MAX. */
export function withoutOversizedCookie(request: Request): Request {
	const cookie = request.headers.get("cookie");
	if (cookie === null || cookie.length <= COOKIE_HEADER_MAX) return request;
	const headers = new Headers(request.headers);
	headers.delete("cookie");
	return new Request(request, { headers });
}
