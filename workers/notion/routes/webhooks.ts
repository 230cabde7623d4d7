/**
 * POST /webhooks — Notion integration webhooks (event subscriptions).
 *
 * - The verification handshake (`{"verification_token": "..."}`), while
 *   NOTION_VERIFICATION_TOKEN is not set: the first token is kept and logged
 *   once (verification.ts). Once the setting is set, a handshake is refused
 *   (409) and the configured token stays.
 * - Every other delivery must carry `X-Notion-Signature`, checked over the raw
 *   body with the SDK's `verifyWebhookSignature`; then its envelope is
 *   checked, recorded under Notion's event id and queued.
 */
import { verifyWebhookSignature } from "@notionhq/client";
import { Hono } from "hono";
import { createDb } from "../../../src/db/client";
import { parseJsonBytes, readBody } from "../../../src/http/body";
import { describeIssues, HttpError } from "../../../src/http/errors";
import type { NotionEnv } from "../context";
import { integrationEvent } from "../payloads";
import { recordAndQueue } from "../receive";
import { settings } from "../settings";
import { receiveHandshake } from "../verification";

export const ROUTE = "/webhooks";

function isHandshake(body: unknown): body is { verification_token: string } {
	return (
		typeof body === "object" &&
		body !== null &&
		typeof (body as { verification_token?: unknown }).verification_token === "string" &&
		!("type" in body)
	);
}

function tryJson(raw: Uint8Array): unknown {
	try {
		return JSON.parse(new TextDecoder().decode(raw));
	} catch {
		return null;
	}
}

export const webhooks = new Hono<NotionEnv>().post(ROUTE, async (c) => {
	const { verificationToken } = settings(c.env);
	const raw = await readBody(c.req.raw);

	if (!verificationToken) {
		const body = parseJsonBytes(raw);
		if (isHandshake(body)) {
			const { message } = await receiveHandshake(createDb(c.env.DB), body.verification_token);
			return c.json({ ok: true, message }, 200);
		}
		throw new HttpError(
			401,
			"not_configured",
			"NOTION_VERIFICATION_TOKEN is not set, so signatures cannot be checked.",
		);
	}

	const signature = c.req.header("x-notion-signature");
	const valid = await verifyWebhookSignature({ body: raw, signature, verificationToken });
	if (!valid) {
		if (isHandshake(tryJson(raw))) {
			throw new HttpError(
				409,
				"already_verified",
				"A verification token is already configured; a new handshake does not replace it. Change NOTION_VERIFICATION_TOKEN yourself to switch subscriptions.",
			);
		}
		throw new HttpError(
			401,
			"bad_signature",
			signature ? "X-Notion-Signature does not match the body." : "X-Notion-Signature is missing.",
		);
	}
	const body = parseJsonBytes(raw);
	if (isHandshake(body)) {
		throw new HttpError(
			409,
			"already_verified",
			"A verification token is already configured; a new handshake does not replace it.",
		);
	}
	const parsed = integrationEvent.safeParse(body);
	if (!parsed.success) throw new HttpError(400, "invalid_payload", describeIssues(parsed.error.issues));
	return recordAndQueue(c, {
		id: parsed.data.id,
		source: "integration",
		route: ROUTE,
		payload: new TextDecoder().decode(raw),
	});
});
