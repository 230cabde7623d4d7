/**
 * Fake websites for favicon lookups (Node): each site is its own server on
 * 127.0.0.1, so each has its own origin. They cover the ways sites declare
 * icons: `<link rel=icon>`, `shortcut icon` with a relative href,
 * `apple-touch-icon` next to a small icon, a web manifest only, `<base href>`,
 * only `/favicon.ico`, nothing at all, a redirect, and a site that never
 * answers. Each counts its requests. "internal" stands for a service on the
 * Worker's own machine (the tests never allow its origin; its `/__hits` says
 * how many other requests reached it), and "toInternal" redirects there.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import { closeServers, listenOnLoopback } from "./loopback.ts";

export type SiteName =
	| "icon"
	| "shortcut"
	| "apple"
	| "manifest"
	| "base"
	| "ico"
	| "none"
	| "redirect"
	| "stall"
	| "plain"
	| "proto"
	| "internal"
	| "toInternal";

export interface FakeSites {
	/** Origin of each site, e.g. http://127.0.0.1:41234 */
	origins: Record<SiteName, string>;
	/** Requests each site received. */
	hits: Record<SiteName, number>;
	close: () => Promise<void>;
}

const html = (head: string, title: string) =>
	`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body><h1>${title}</h1><p>${"filler ".repeat(200)}</p></body></html>`;

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

function page(res: ServerResponse, body: string) {
	res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
	res.end(body);
}

function image(res: ServerResponse, type = "image/png") {
	res.writeHead(200, { "content-type": type });
	res.end(PNG);
}

function notFound(res: ServerResponse) {
	res.writeHead(404, { "content-type": "text/html" });
	res.end("<h1>Not found</h1>");
}

export async function startFakeSites(): Promise<FakeSites> {
	const names: SiteName[] = [
		"icon",
		"shortcut",
		"apple",
		"manifest",
		"base",
		"ico",
		"none",
		"redirect",
		"stall",
		"plain",
		"proto",
		"internal",
		"toInternal",
	];
	const servers: Server[] = [];
	const origins = {} as Record<SiteName, string>;
	const hits = Object.fromEntries(names.map((n) => [n, 0])) as Record<SiteName, number>;
	const hanging = new Set<ServerResponse>();

	const handlers: Record<SiteName, (path: string, res: ServerResponse) => void> = {
		icon: (path, res) =>
			path === "/"
				? page(res, html('<link rel="icon" href="/static/icon.png" type="image/png">', "Icon Site"))
				: path === "/docs/page"
					? page(res, html('<link rel="icon" href="/static/icon.png">', "A Deep Page"))
					: path === "/static/icon.png"
						? image(res)
						: notFound(res),
		shortcut: (path, res) =>
			path === "/" || path === "/blog/"
				? page(res, html('<link rel="shortcut icon" href="img/fav-32.png" sizes="32x32">', "Shortcut Site"))
				: notFound(res),
		apple: (path, res) =>
			path === "/"
				? page(
						res,
						html(
							'<link rel="icon" href="/small.png" sizes="16x16"><link rel="icon" href="/big.png" sizes="64x64"><link rel="apple-touch-icon" href="/apple-180.png" sizes="180x180"><link rel="mask-icon" href="/mask.svg">',
							"Apple &amp; Friends",
						),
					)
				: notFound(res),
		manifest: (path, res) => {
			if (path === "/") return page(res, html('<link rel="manifest" href="/site.webmanifest">', "Manifest Site"));
			if (path === "/site.webmanifest") {
				res.writeHead(200, { "content-type": "application/manifest+json" });
				return res.end(
					JSON.stringify({
						name: "M",
						icons: [
							{ src: "icons/192.png", sizes: "192x192", type: "image/png" },
							{ src: "icons/512.png", sizes: "512x512", type: "image/png" },
							{ src: "icons/mask.png", sizes: "1024x1024", purpose: "maskable" },
						],
					}),
				);
			}
			return notFound(res);
		},
		base: (path, res) =>
			path === "/"
				? page(
						res,
						html('<base href="/assets/v2/"><link rel="icon" href="logo.svg" type="image/svg+xml">', "Base Site"),
					)
				: notFound(res),
		ico: (path, res) =>
			path === "/"
				? page(res, html("", "Only An Ico"))
				: path === "/favicon.ico"
					? image(res, "image/x-icon")
					: notFound(res),
		none: (path, res) => (path === "/" ? page(res, html("", "No Icon Here")) : notFound(res)),
		redirect: (path, res) => {
			if (path === "/") {
				res.writeHead(302, { location: `${origins.icon}/docs/page` });
				return res.end();
			}
			return notFound(res);
		},
		stall: (_path, res) => {
			hanging.add(res);
			res.on("close", () => hanging.delete(res));
		},
		// Upper-case markup and a protocol-relative href to another origin.
		proto: (path, res) =>
			path === "/"
				? page(
						res,
						html(
							`<LINK REL="Shortcut Icon" HREF="//${origins.icon.slice("http://".length)}/static/icon.png">`,
							"Proto",
						),
					)
				: notFound(res),
		internal: (path, res) => {
			if (path === "/__hits") {
				res.writeHead(200, { "content-type": "application/json" });
				return res.end(JSON.stringify({ hits: hits.internal }));
			}
			if (path === "/favicon.ico") return image(res);
			page(res, html('<link rel="icon" href="/admin/icon.png">', "Internal Admin"));
		},
		toInternal: (_path, res) => {
			res.writeHead(302, { location: `${origins.internal}/admin` });
			res.end();
		},
		// Serves a favicon but its page is not HTML.
		plain: (path, res) => {
			if (path === "/favicon.ico") return image(res, "image/vnd.microsoft.icon");
			res.writeHead(200, { "content-type": "text/plain" });
			res.end("just text");
		},
	};

	for (const name of names) {
		const server = createServer((req, res) => {
			const path = new URL(req.url ?? "/", "http://x").pathname;
			if (path !== "/__hits") hits[name]++;
			handlers[name](path, res);
		});
		origins[name] = await listenOnLoopback(server);
		servers.push(server);
	}
	return {
		origins,
		hits,
		close: () => closeServers(servers, hanging),
	};
}
