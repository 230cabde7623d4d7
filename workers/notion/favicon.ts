/**
 * Finds a site's icon and title: the page's HTML is streamed through
 * `HTMLRewriter` (`<link rel=icon|shortcut icon|apple-touch-icon>`, `<link
 * rel=manifest>`, `<base>`, `<title>`), then the web manifest's icons, then
 * `/favicon.ico`. Only http(s) URLs are returned; every fetch, and every
 * redirect it meets, goes through the outbound guard (public addresses only,
 * short timeout), and reads at most a bounded amount. Results are cached in D1
 * per origin.
 *
 * @example const site = await lookupSite(db, "https://example.com/a", { timeoutMs: 3000 })
 */

import { decodeHTML } from "entities";
import type { Db } from "../../src/db/client";
import { getFavicon, putFavicon } from "../../src/db/notion";
import { clip } from "../../src/http/redact";
import { checkOutboundUrl, type OutboundPolicy, outboundFetch } from "../../src/outbound";

export interface SiteInfo {
	/** Absolute http(s) URL of the best icon, or null when the site has none. */
	iconUrl: string | null;
	/** The page's `<title>`, trimmed; null when it has none. */
	title: string | null;
}

/** Stop reading HTML after this many bytes (icons and title live in <head>). */
const MAX_HTML_BYTES = 512 * 1024;
const MAX_MANIFEST_BYTES = 64 * 1024;
/** Notion rejects URLs longer than this. */
const MAX_URL_CHARS = 2000;
/** Longest site title kept (a Notion title would take 2000; no real title needs that many). */
const TITLE_MAX = 300;
/** How long a cached lookup stays good: found icons for a week, misses for a day. */
export const CACHE_HIT_MS = 7 * 24 * 3600_000;
export const CACHE_MISS_MS = 24 * 3600_000;

/** The URL if it is absolute http(s), else null. */
export function httpUrl(raw: string, base?: string | URL): URL | null {
	try {
		const u = new URL(raw.trim(), base);
		return u.protocol === "http:" || u.protocol === "https:" ? u : null;
	} catch {
		return null;
	}
}

/** How a lookup may reach sites: the outbound guard's policy and the time each fetch may take. */
export interface SiteFetchOptions extends OutboundPolicy {
	timeoutMs: number;
}

interface IconLink {
	rel: string[];
	href: string;
	sizes: string | null;
	type: string | null;
}

/** Fetches `url` and finds its icon and title (no cache). */
export async function findSiteInfo(url: URL, opts: SiteFetchOptions): Promise<SiteInfo> {
	let page: Awaited<ReturnType<typeof readHead>> | null = null;
	try {
		page = await readHead(url, opts);
	} catch {
		// Refused, unreachable, slow or not HTML: fall through to /favicon.ico.
	}
	const baseUrl = page?.finalUrl ?? url;
	const base = (page?.base && httpUrl(page.base, baseUrl)) || baseUrl;
	// A site's title becomes a Notion title and a D1 row: bounded like any upstream text.
	const title =
		clip(
			decodeEntities(page?.title ?? "")
				.replace(/\s+/g, " ")
				.trim(),
			TITLE_MAX,
		) || null;

	const best = pickIcon(page?.links ?? [], base);
	if (best) return { iconUrl: best, title };

	if (page?.manifest) {
		const manifestUrl = httpUrl(page.manifest, base);
		const fromManifest = manifestUrl ? await iconFromManifest(manifestUrl, opts) : null;
		if (fromManifest) return { iconUrl: fromManifest, title };
	}

	const ico = new URL("/favicon.ico", baseUrl.origin);
	return { iconUrl: (await isImage(ico, opts)) ? ico.href : null, title };
}

async function readHead(url: URL, opts: SiteFetchOptions) {
	const res = await outboundFetch(
		url,
		{ headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", "user-agent": "kiln-notion/1 (favicon)" } },
		opts,
	);
	const type = res.headers.get("content-type") ?? "";
	if (!res.ok || !res.body || !/html/i.test(type)) {
		await res.body?.cancel();
		throw new Error(`not an HTML page (${res.status} ${type})`);
	}
	const found = { base: null as string | null, title: "", titleDone: false, manifest: null as string | null };
	const links: IconLink[] = [];
	let sawBody = false;
	const rewriter = new HTMLRewriter()
		.on("base[href]", {
			element(e) {
				found.base ??= e.getAttribute("href");
			},
		})
		.on("title", {
			text(t) {
				if (found.titleDone) return;
				found.title += t.text;
				if (t.lastInTextNode) found.titleDone = true;
			},
		})
		.on("link[rel][href]", {
			element(e) {
				const rel = (e.getAttribute("rel") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
				const href = e.getAttribute("href") ?? "";
				if (rel.includes("manifest")) found.manifest ??= href;
				else links.push({ rel, href, sizes: e.getAttribute("sizes"), type: e.getAttribute("type") });
			},
		})
		.on("body", {
			element() {
				sawBody = true;
			},
		});
	const reader = rewriter.transform(new Response(capped(res.body, MAX_HTML_BYTES), res)).body?.getReader();
	if (reader) {
		while (!sawBody) {
			const { done } = await reader.read();
			if (done) break;
		}
		await reader.cancel().catch(() => {});
	}
	return { ...found, links, finalUrl: httpUrl(res.url || url.href) ?? url };
}

/**
 * HTMLRewriter hands over text as written: "&amp;" stays "&amp;" until decoded
 * here, with the whole HTML table (`&mdash;`, `&raquo;`, numeric, and the
 * legacy forms without ";") as a browser decodes a <title>.
 */
export function decodeEntities(text: string): string {
	return decodeHTML(text);
}

/** The stream, ended after `max` bytes. */
function capped(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
	let seen = 0;
	const reader = body.getReader();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const { done, value } = await reader.read();
			if (done || seen >= max) {
				controller.close();
				if (!done) await reader.cancel();
				return;
			}
			seen += value.byteLength;
			controller.enqueue(value);
		},
		cancel(reason) {
			return reader.cancel(reason);
		},
	});
}

/** Largest side named in a `sizes` attribute ("any" counts as large: SVG). */
function sizeOf(sizes: string | null | undefined): number {
	if (!sizes) return 0;
	if (/\bany\b/i.test(sizes)) return 512;
	let max = 0;
	for (const m of sizes.matchAll(/(\d+)x(\d+)/gi)) max = Math.max(max, Number(m[1]));
	return max;
}

/**
 * apple-touch-icon first (made for home screens, so large and opaque), then
 * the largest declared size, then PNG/SVG over ICO.
 */
function pickIcon(links: IconLink[], base: URL): string | null {
	let best: { url: string; score: number } | null = null;
	for (const l of links) {
		const apple = l.rel.includes("apple-touch-icon") || l.rel.includes("apple-touch-icon-precomposed");
		if (!apple && !l.rel.includes("icon")) continue;
		const url = httpUrl(l.href, base);
		if (!url || url.href.length > MAX_URL_CHARS) continue;
		const type = (l.type ?? url.pathname).toLowerCase();
		const score = (apple ? 10_000 : 0) + sizeOf(l.sizes) * 2 + (/png|svg/.test(type) ? 1 : 0);
		if (!best || score > best.score) best = { url: url.href, score };
	}
	return best?.url ?? null;
}

async function iconFromManifest(url: URL, opts: SiteFetchOptions): Promise<string | null> {
	try {
		const res = await outboundFetch(url, {}, opts);
		if (!res.ok || !res.body) {
			await res.body?.cancel();
			return null;
		}
		const text = await new Response(capped(res.body, MAX_MANIFEST_BYTES)).text();
		const manifest = JSON.parse(text) as { icons?: { src?: string; sizes?: string; purpose?: string }[] };
		let best: { url: string; size: number } | null = null;
		for (const icon of manifest.icons ?? []) {
			if (typeof icon.src !== "string") continue;
			// A maskable-only icon is cropped by the platform; it looks wrong as is.
			if (icon.purpose && !icon.purpose.split(/\s+/).includes("any")) continue;
			const abs = httpUrl(icon.src, httpUrl(res.url || url.href) ?? url);
			if (!abs || abs.href.length > MAX_URL_CHARS) continue;
			const size = sizeOf(icon.sizes);
			if (!best || size > best.size) best = { url: abs.href, size };
		}
		return best?.url ?? null;
	} catch {
		return null;
	}
}

async function isImage(url: URL, opts: SiteFetchOptions): Promise<boolean> {
	try {
		const res = await outboundFetch(url, {}, opts);
		await res.body?.cancel();
		return res.ok && (res.headers.get("content-type") ?? "").toLowerCase().startsWith("image/");
	} catch {
		return false;
	}
}

export interface LookupOptions extends SiteFetchOptions {
	/** The page's own title is needed (not just the site's icon). */
	needTitle?: boolean;
	now?: number;
}

/**
 * The icon (and, when asked, the title) for a URL, using the per-origin
 * cache. Titles are per page, so asking for one fetches the page unless it
 * is the site's root, whose title the cache keeps. Null, with nothing fetched
 * or cached, for a URL the outbound guard refuses (not http(s), not public).
 */
export async function lookupSite(db: Db, rawUrl: string, opts: LookupOptions): Promise<SiteInfo | null> {
	const url = httpUrl(rawUrl);
	if (!url) return null;
	try {
		checkOutboundUrl(url, opts);
	} catch {
		return null;
	}
	const now = opts.now ?? Date.now();
	const isRoot = url.pathname === "/" && !url.search;
	const cached = await getFavicon(db, url.origin);
	const fresh = cached && now - cached.fetchedAt < (cached.iconUrl ? CACHE_HIT_MS : CACHE_MISS_MS);
	if (cached && fresh && (!opts.needTitle || (isRoot && cached.title !== null))) {
		return { iconUrl: cached.iconUrl, title: cached.title };
	}
	const info = await findSiteInfo(url, opts);
	await putFavicon(db, {
		origin: url.origin,
		iconUrl: info.iconUrl,
		title: isRoot ? info.title : (cached?.title ?? null),
		fetchedAt: now,
	});
	return info;
}
