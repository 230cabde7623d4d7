/** The shared secret that guards the automation routes (the event log has its own: src/http/auth.ts). */
import type { Context } from "hono";
import { bearerToken, sameSecret } from "../../src/http/auth";
import { HttpError } from "../../src/http/errors";

/**
 * Requires `Authorization: Bearer <NOTION_WEBHOOK_SECRET>`, or the secret alone
 * in `X-Webhook-Secret` (the name other Notion "Send webhook" receivers use,
 * for a sender that will not set an Authorization header). Throws 503 when
 * the secret is not configured (nothing could pass) and 401 otherwise.
 */
export async function requireSecret(c: Context, secret: string | null): Promise<void> {
	if (!secret) {
		throw new HttpError(503, "not_configured", "NOTION_WEBHOOK_SECRET is not set, so no request can be authenticated.");
	}
	const token = bearerToken(c.req.raw) ?? c.req.header("x-webhook-secret") ?? null;
	if (!token || !(await sameSecret(token, secret))) {
		throw new HttpError(
			401,
			"unauthorized",
			"Send the shared secret as Authorization: Bearer <NOTION_WEBHOOK_SECRET> (or as X-Webhook-Secret: <NOTION_WEBHOOK_SECRET>).",
			{
				"WWW-Authenticate": "Bearer",
			},
		);
	}
}
