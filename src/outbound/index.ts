/**
 * Kiln's one outbound guard: every fetch of a URL that a user, a web page or a
 * generated app chose goes through `outboundFetch` (favicon lookups now, apps'
 * server code next), so that Kiln cannot be made to read its own machine or
 * network for someone else.
 *
 * Fetched: http and https to public addresses and names, on any port but the
 * Fetch standard's bad ones, through at most `maxRedirects` redirects, each
 * checked again, within one wall clock and a body size cap. Refused: loopback,
 * private, link-local (cloud metadata), CGNAT, multicast, reserved and
 * documentation IPv4; IPv6 outside global unicast (::1, ::, fc00::/7,
 * fe80::/10, ...) and IPv4-mapped, NAT64 and 6to4 addresses of refused IPv4;
 * `localhost`, `*.localhost`, `.local`, `.internal`, `.home.arpa` and
 * single-label names; the caller's own hosts (`refuseHosts`). However an
 * address is spelled, the platform's URL parser has turned it into one
 * canonical form before it is judged. `allowOrigins` (the
 * `OUTBOUND_ALLOW_ORIGINS` setting) lets exact origins through, for tests'
 * fakes on loopback.
 *
 * What it cannot see: a Worker has no DNS lookup, so a public name that
 * resolves to a private address (a wildcard name such as 127.0.0.1.nip.io, or
 * DNS rebinding) passes this check. Deployed, that fetch leaves from
 * Cloudflare's network, not the operator's, so no laptop, LAN or cloud
 * metadata service stands behind such an address (and Cloudflare does not let
 * Workers fetch bare IP addresses); `global_fetch_strictly_public` sends a
 * fetch of the Worker's own zone through Cloudflare's front door rather than
 * straight to the zone's origin. workerd on its own refuses private addresses
 * after resolving; `wrangler dev` (Miniflare) allows them, so on a developer's
 * machine such a name does reach the machine.
 */
export { OutboundError, type OutboundErrorCode } from "./errors";
export { OUTBOUND_DEFAULTS, type OutboundOptions, outboundFetch } from "./fetch";
export { checkOutboundUrl, type OutboundPolicy, parseAllowOrigins } from "./policy";
