// Settings of the notion Worker that are secrets or optional, so not in
// wrangler.toml; documented in .dev.vars.example. Merged into the generated
// NotionBindings (worker-configuration.d.ts).
interface NotionBindings {
	/** Internal integration secret (ntn_... or secret_...). */
	NOTION_TOKEN?: string;
	/** Notion's API origin; default https://api.notion.com. */
	NOTION_API_BASE_URL?: string;
	/** Shared secret the automation routes require as `Authorization: Bearer <secret>`. */
	NOTION_WEBHOOK_SECRET?: string;
	/** The operator's credential (Authorization: Bearer <token>): the event log and the pending verification token. */
	KILN_OPERATOR_TOKEN?: string;
	/** HMAC key of X-Notion-Signature (the subscription's verification_token). */
	NOTION_VERIFICATION_TOKEN?: string;
	/** Milliseconds one Notion request may take before it counts as timed out (default 15000). */
	NOTION_TIMEOUT_MS?: string;
	/** Milliseconds an event may stay pending before the cron queues it again (default 120000). */
	NOTION_PENDING_STUCK_MS?: string;
	/** Milliseconds an event may stay running before the cron takes it for dead and queues it again (default 1200000). */
	NOTION_RUNNING_STUCK_MS?: string;
	/** Milliseconds a site may take to answer a favicon lookup (default 3000). */
	FAVICON_TIMEOUT_MS?: string;
	/** Comma-separated exact origins the outbound guard lets through although not public (tests' fakes). */
	OUTBOUND_ALLOW_ORIGINS?: string;
}
