// The favicon finder against fake sites (HTMLRewriter in workerd), its
// per-origin cache in D1, and the outbound guard at every hop (issue 17).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getFavicon, putFavicon } from "../../src/db/notion";
import { parseAllowOrigins } from "../../src/outbound";
import { decodeEntities, findSiteInfo, httpUrl, lookupSite } from "../../workers/notion/favicon";
import { automationBody, currentPage, db, describeCalls, fake, post, prop, settled, sites, uuid } from "./helpers";

/** The fake sites the Worker's setting allows (all but "internal"). */
const allowOrigins = parseAllowOrigins(env.OUTBOUND_ALLOW_ORIGINS);
const find = (origin: string, path = "/") => findSiteInfo(new URL(path, origin), { timeoutMs: 1000, allowOrigins });

describe("findSiteInfo", () => {
	it("reads <link rel=icon> and the title", async () => {
		const s = sites();
		expect(await find(s.icon)).toEqual({ iconUrl: `${s.icon}/static/icon.png`, title: "Icon Site" });
	});
	it('reads rel="shortcut icon" and resolves a relative href against the page', async () => {
		const s = sites();
		expect((await find(s.shortcut, "/blog/")).iconUrl).toBe(`${s.shortcut}/blog/img/fav-32.png`);
	});
	it("prefers apple-touch-icon over small icons, and ignores mask-icon; decodes entities in the title", async () => {
		const s = sites();
		expect(await find(s.apple)).toEqual({ iconUrl: `${s.apple}/apple-180.png`, title: "Apple & Friends" });
	});
	it("reads upper-case markup and resolves a protocol-relative href", async () => {
		const s = sites();
		expect((await find(s.proto)).iconUrl).toBe(`${s.icon}/static/icon.png`);
	});
	it("falls back to the web manifest's largest non-maskable icon", async () => {
		const s = sites();
		expect((await find(s.manifest)).iconUrl).toBe(`${s.manifest}/icons/512.png`);
	});
	it("honours <base href>", async () => {
		const s = sites();
		expect((await find(s.base)).iconUrl).toBe(`${s.base}/assets/v2/logo.svg`);
	});
	it("falls back to /favicon.ico when it is an image", async () => {
		const s = sites();
		expect(await find(s.ico)).toEqual({ iconUrl: `${s.ico}/favicon.ico`, title: "Only An Ico" });
	});
	it("finds nothing on a site without icons (a 404 /favicon.ico is not an icon)", async () => {
		const s = sites();
		expect(await find(s.none)).toEqual({ iconUrl: null, title: "No Icon Here" });
	});
	it("follows redirects and resolves against the final URL", async () => {
		const s = sites();
		expect(await find(s.redirect)).toEqual({ iconUrl: `${s.icon}/static/icon.png`, title: "A Deep Page" });
	});
	it("uses /favicon.ico when the page is not HTML", async () => {
		const s = sites();
		expect(await find(s.plain)).toEqual({ iconUrl: `${s.plain}/favicon.ico`, title: null });
	});
	it("gives up on a site that never answers (each fetch has a timeout)", async () => {
		const s = sites();
		expect(await findSiteInfo(new URL(s.stall), { timeoutMs: 300, allowOrigins })).toEqual({
			iconUrl: null,
			title: null,
		});
	});
});

describe("decodeEntities", () => {
	it("decodes named and numeric character references", () => {
		expect(decodeEntities("Tom &amp; Jerry &#8211; &#x263A; &lt;b&gt; &unknown;")).toBe(
			"Tom & Jerry – ☺ <b> &unknown;",
		);
	});
	it("decodes every named reference a page title uses, not a short list", () => {
		expect(decodeEntities("News &mdash; Front page &raquo; Caf&eacute; &hellip; &euro;5 &copy 2026 AT&T")).toBe(
			"News — Front page » Café … €5 © 2026 AT&T",
		);
	});
});

describe("httpUrl", () => {
	it("accepts only http(s)", () => {
		expect(httpUrl("https://example.com/a")?.href).toBe("https://example.com/a");
		expect(httpUrl("http://127.0.0.1:8080/")?.origin).toBe("http://127.0.0.1:8080");
		for (const bad of [
			"ftp://example.com/",
			"javascript:alert(1)",
			"data:image/png;base64,AAAA",
			"file:///etc/passwd",
			"example.com",
			"",
		]) {
			expect(httpUrl(bad)).toBeNull();
		}
	});
});

describe("lookupSite", () => {
	it("returns null for a non-http URL without fetching anything", async () => {
		expect(await lookupSite(db(), "ftp://example.com/x", { timeoutMs: 500 })).toBeNull();
	});

	it("caches by origin: a fresh entry is used without fetching the site", async () => {
		const s = sites();
		await putFavicon(db(), {
			origin: s.none,
			iconUrl: "https://cdn.example/cached.png",
			title: "Cached",
			fetchedAt: Date.now(),
		});
		expect(await lookupSite(db(), `${s.none}/any/page`, { timeoutMs: 500, allowOrigins })).toEqual({
			iconUrl: "https://cdn.example/cached.png",
			title: "Cached",
		});
	});

	it("refreshes a stale entry and stores the root page's title", async () => {
		const s = sites();
		await putFavicon(db(), { origin: s.icon, iconUrl: "https://old.example/x.png", title: null, fetchedAt: 0 });
		const now = Date.now();
		expect(await lookupSite(db(), `${s.icon}/`, { timeoutMs: 1000, allowOrigins, now })).toEqual({
			iconUrl: `${s.icon}/static/icon.png`,
			title: "Icon Site",
		});
		expect(await getFavicon(db(), s.icon)).toEqual({
			origin: s.icon,
			iconUrl: `${s.icon}/static/icon.png`,
			title: "Icon Site",
			fetchedAt: now,
		});
	});

	it("fetches a deep page when its title is needed, even with a fresh icon cached", async () => {
		const s = sites();
		await putFavicon(db(), {
			origin: s.icon,
			iconUrl: `${s.icon}/static/icon.png`,
			title: "Icon Site",
			fetchedAt: Date.now(),
		});
		expect(
			(await lookupSite(db(), `${s.icon}/docs/page`, { timeoutMs: 1000, allowOrigins, needTitle: true }))?.title,
		).toBe("A Deep Page");
		// The cache keeps the root's title, not the deep page's.
		expect((await getFavicon(db(), s.icon))?.title).toBe("Icon Site");
	});

	it("remembers a miss", async () => {
		const s = sites();
		await env.DB.prepare("DELETE FROM favicon_cache WHERE origin = ?").bind(s.none).run();
		await lookupSite(db(), `${s.none}/`, { timeoutMs: 1000, allowOrigins });
		expect((await getFavicon(db(), s.none))?.iconUrl).toBeNull();
	});
});

// A row URL naming a service on the Worker's own machine had that page's
// <title> written into Notion. "internal" is a loopback site the setting does
// not allow; "toInternal" is an allowed one that redirects there.
describe("the outbound guard", () => {
	const internalHits = async () =>
		((await (await fetch(`${sites().internal}/__hits`)).json()) as { hits: number }).hits;

	it("refuses a site that is not allowed, reached directly: nothing fetched, nothing cached", async () => {
		const s = sites();
		const before = await internalHits();
		expect(await find(s.internal, "/admin")).toEqual({ iconUrl: null, title: null });
		expect(await lookupSite(db(), `${s.internal}/admin`, { timeoutMs: 1000, allowOrigins, needTitle: true })).toBe(
			null,
		);
		expect(await getFavicon(db(), s.internal)).toBeNull();
		expect(await internalHits()).toBe(before);
	});

	it("refuses it behind a redirect from an allowed site, for the page and /favicon.ico", async () => {
		const s = sites();
		const before = await internalHits();
		expect(await find(s.toInternal)).toEqual({ iconUrl: null, title: null });
		expect(await internalHits()).toBe(before);
	});

	it.each([
		["directly", "internal", "ignored"],
		["through a redirect", "toInternal", "done"],
	] as const)("writes nothing of it into Notion when reached %s", async (_how, site, status) => {
		const row = uuid();
		const url = `${sites()[site]}/admin`;
		const properties = { Name: prop.title(""), Link: prop.url(url) };
		await fake.seed({ pages: [{ id: row, properties }] });
		const before = await internalHits();
		const res = await post("/example/database/page", automationBody({ id: row, properties }));
		const { event } = await res.json<{ event: string }>();
		expect((await settled(event)).status).toBe(status);
		expect(describeCalls(await fake.calls(row))).toEqual([`GET /v1/pages/${row}`]);
		const page = await currentPage(row);
		expect(page.icon).toBeNull();
		expect(page.properties.Name.title).toEqual([]);
		expect(await internalHits()).toBe(before);
	});
});
