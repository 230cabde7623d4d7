import { errorBody } from "../../src/http/errors";

/**
 * Static assets, with the single-page-app fallback done here rather than by
 * `not_found_handling`: a page navigation to an unknown path gets index.html
 * (the SPA routes it), anything else — `curl`, `fetch`, a missing script —
 * gets a JSON 404 it can act on.
 */
export async function serveSpa(assets: Fetcher, request: Request): Promise<Response> {
	const res = await assets.fetch(request);
	if (res.status !== 404) return res;
	if (isPageNavigation(request)) {
		return assets.fetch(new Request(new URL("/", request.url), request));
	}
	const path = new URL(request.url).pathname;
	return Response.json(errorBody("not_found", `Nothing at ${path}.`), { status: 404 });
}

function isPageNavigation(request: Request): boolean {
	if (request.method !== "GET" && request.method !== "HEAD") return false;
	const mode = request.headers.get("Sec-Fetch-Mode");
	if (mode) return mode === "navigate";
	return (request.headers.get("Accept") ?? "").includes("text/html");
}
