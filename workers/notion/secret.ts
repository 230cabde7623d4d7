/** The shared secret that guards the automation routes (the event log has its own: src/http/auth.ts). */
import type { Context } from "hono";
import { bearerToken, requireSecretValue } from "../../src/http/auth";

/**
 * Requires `Authorization: Bearer <NOTION_WEBHOOK_SECRET>`, or the secret alone
 * in `X-Webhook-Secret` (the name other Notion "Send webhook" receivers use,
 * for a sender that will not set an Authorization header). Throws 503 when
 * the secret is not configured (nothing could pass) and 401 otherwise.
 */
export async function requireSecret(c: Context, secret: string | null): Promise<void> {
	await requireSecretValue(bearerToken(c.req.raw) ?? c.req.header("x-webhook-secret") ?? null, secret, {
		setting: "NOTION_WEBHOOK_SECRET",
		hint: "Send the shared secret as Authorization: Bearer <NOTION_WEBHOOK_SECRET> (or as X-Webhook-Secret: <NOTION_WEBHOOK_SECRET>).",
	});
}
