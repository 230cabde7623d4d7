/**
 * Under `npm run dev`, Kiln answers only requests addressed to this machine by
 * name: `localhost`, `127.0.0.1`, `[::1]`, `*.localhost` (the project origins),
 * plus the names in KILN_DEV_HOSTS. DNS rebinding is why: a web page on
 * `evil.example` can make its name resolve to 127.0.0.1 and then call the dev
 * server from the browser as its own origin, spending the developer's model
 * key. Such a request still says `Host: evil.example`, and is refused.
 *
 * The check is on only where KILN_DEV_HOSTS is set, and scripts/dev.mjs always
 * sets it. A deployed Worker leaves it unset: there, only hosts routed to the
 * Worker in Cloudflare reach it at all.
 */
import { HttpError } from "../../src/http/errors";
import { clip } from "../../src/http/redact";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Whether `hostname` (as `URL.hostname` writes it) may reach the dev server.
 * `setting` is KILN_DEV_HOSTS: comma-separated names, `*.name` for a name's
 * subdomains; unset means "not local dev" and allows every host.
 */
export function isAllowedDevHost(hostname: string, setting: string | undefined): boolean {
	if (!setting) return true;
	const host = hostname.toLowerCase().replace(/\.$/, "");
	if (LOOPBACK.has(host) || host.endsWith(".localhost")) return true;
	return setting
		.split(",")
		.map((s) => s.trim().toLowerCase())
		.filter(Boolean)
		.some((name) => (name.startsWith("*.") ? host.endsWith(name.slice(1)) : host === name));
}

/** Throws 403 `host_not_allowed` for a request the dev server must not answer. */
export function refuseForeignDevHost(request: Request, setting: string | undefined): void {
	const { hostname } = new URL(request.url);
	if (isAllowedDevHost(hostname, setting)) return;
	throw new HttpError(
		403,
		"host_not_allowed",
		`This development server answers only on localhost, not on "${clip(hostname, 100)}". To allow that name (e.g. for your LAN), add it to KILN_DEV_HOSTS.`,
	);
}
