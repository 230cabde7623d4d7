// Settings that are not in wrangler.toml (see .dev.vars.example). Merged into
// the generated WebBindings interface.
interface WebBindings {
	/** Pattern of each project's own origin, e.g. https://*.apps.example.com ("off" for none). */
	PROJECT_ORIGIN?: string;
	/** Local dev only (scripts/dev.mjs sets it): host names answered besides loopback; unset, no host check. */
	KILN_DEV_HOSTS?: string;
}
