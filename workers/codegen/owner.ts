import { bearerToken, sameSecret } from "../../src/http/auth";
import { HttpError } from "../../src/http/errors";
import { sha256Hex } from "../../src/shared/hash";

/**
 * Requires the project's edit token (`Authorization: Bearer <editToken>`),
 * which only its owner holds: 401 `edit_token_required` without one, 403
 * `invalid_edit_token` with another. `missing` is the 401's message: what
 * needs the token, and how to send it.
 */
export async function requireEditToken(request: Request, editTokenHash: string, missing: string): Promise<void> {
	const token = bearerToken(request);
	if (!token) {
		throw new HttpError(401, "edit_token_required", missing, {
			"WWW-Authenticate": 'Bearer realm="kiln"',
		});
	}
	if (!(await sameSecret(await sha256Hex(token), editTokenHash))) {
		throw new HttpError(403, "invalid_edit_token", "That edit token does not belong to this project.");
	}
}
