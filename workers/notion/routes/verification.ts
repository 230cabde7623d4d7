/**
 * The pending verification token, for the operator only (KILN_OPERATOR_TOKEN):
 * - GET    /verification — the token kept from the first handshake, if any;
 * - DELETE /verification — discard it, so the next handshake is kept (and logged).
 */
import { Hono } from "hono";
import { createDb } from "../../../src/db/client";
import { discardPendingVerification, getPendingVerification } from "../../../src/db/notion";
import { requireOperator } from "../../../src/http/auth";
import { HttpError } from "../../../src/http/errors";
import type { NotionEnv } from "../context";
import { settings } from "../settings";

export const verification = new Hono<NotionEnv>()
	.use("/verification", async (c, next) => {
		await requireOperator(c.req.raw, settings(c.env).operatorToken);
		await next();
	})
	.get("/verification", async (c) => {
		const pending = await getPendingVerification(createDb(c.env.DB));
		return c.json({
			configured: settings(c.env).verificationToken !== null,
			pending: pending && { token: pending.token, receivedAt: new Date(pending.receivedAt).toISOString() },
		});
	})
	.delete("/verification", async (c) => {
		if (!(await discardPendingVerification(createDb(c.env.DB)))) {
			throw new HttpError(404, "nothing_pending", "No verification token is pending.");
		}
		return c.json({ ok: true, discarded: true });
	});
