/**
 * Notion's verification handshake while NOTION_VERIFICATION_TOKEN is unset.
 * Anyone can POST a handshake (there is nothing to check it against yet), so
 * the Worker keeps only the first token it is sent (in D1), logs it once,
 * escaped, and refuses a different one until the operator has read or
 * discarded it (routes/verification.ts). A token Notion re-sends is answered
 * again without a second log line.
 */
import type { Db } from "../../src/db/client";
import { keepPendingVerification } from "../../src/db/notion";
import { HttpError } from "../../src/http/errors";
import { escapeControls } from "../../src/http/redact";

/** Notion's tokens are about 50 characters; anything much longer is not one of them. */
export const VERIFICATION_TOKEN_MAX = 200;

/** Keeps (and logs) the first token; 400 for one that cannot be Notion's, 409 when another is pending. */
export async function receiveHandshake(db: Db, token: string): Promise<{ message: string }> {
	if (token.length === 0 || token.length > VERIFICATION_TOKEN_MAX) {
		throw new HttpError(
			400,
			"invalid_payload",
			`verification_token: must be 1 to ${VERIFICATION_TOKEN_MAX} characters.`,
		);
	}
	const { kept, pending } = await keepPendingVerification(db, token);
	if (kept) {
		// Shown once, to whoever is setting up the subscription: it is the value to paste into
		// Notion's Verify dialog and into the setting. Escaped: it is whatever the sender chose.
		console.log(
			`notion: webhook verification token received: "${escapeControls(token)}". Paste it into Notion's "Verify" dialog and set NOTION_VERIFICATION_TOKEN to it. (Not the token you expected? Discard it: DELETE /notion/verification with the operator token.)`,
		);
		return { message: "Verification token received; see the Worker's log." };
	}
	if (pending?.token === token) return { message: "Verification token already received; see the Worker's log." };
	throw new HttpError(
		409,
		"verification_pending",
		"Another verification token is already pending. The operator can read it (GET /notion/verification) or discard it (DELETE /notion/verification) so that a new handshake is kept.",
	);
}
