import { Hono } from "hono";
import { z } from "zod";
import { deleteSecret, listSealedSecrets, putSecret } from "../../../src/db/secrets";
import { readJson } from "../../../src/http/body";
import { describeIssues, HttpError } from "../../../src/http/errors";
import {
	MAX_SECRET_BYTES,
	MAX_SECRETS_PER_PROJECT,
	type SecretsJson,
	secretNameProblem,
	secretValueProblem,
} from "../../../src/shared/secrets";
import type { CodegenEnv } from "../context";
import { ownerOnly } from "../owner";
import { noteProjectState } from "../project-state";
import { decryptSecret, encryptSecret, type SecretsKey, secretsKey } from "../secrets/crypto";

/** The PUT body (`PutSecretRequest`); the value's own checks are `secretValueProblem`'s. */
const putSecretRequest = z.strictObject({ value: z.string() });

const OWNER_ONLY = "A project's secrets are its owner's: send Authorization: Bearer <editToken>.";
/** A PUT body: the value (at most MAX_SECRET_BYTES) as JSON, with room for escapes. */
const MAX_PUT_BODY_BYTES = 64 * 1024;

/**
 * The owner's secrets of a project, at /api/projects/:project/secrets: list
 * the names, each with whether it opens under the current key (`GET`), set one (`PUT /:name` `{"value"}`), delete one
 * (`DELETE /:name`). The server reads them as `env.<NAME>` from its next
 * request on. A value is never answered; a refused request writes nothing.
 */
export const secretsRoutes = new Hono<CodegenEnv>()
	.use(ownerOnly(OWNER_ONLY))
	.use(async (c, next) => {
		c.header("Cache-Control", "no-store");
		await next();
	})
	.get("/", async (c) => {
		const key = await requireKey(c.env);
		const project = c.get("projectId");
		const sealed = await listSealedSecrets(c.get("db"), project);
		const body: SecretsJson = {
			// Opened to see whether it still opens (the key may have changed since): the value is dropped here.
			secrets: await Promise.all(
				sealed.map(async ({ name, value, updatedAt }) => ({
					name,
					updatedAt,
					readable: (await decryptSecret(key, project, name, value)) !== null,
				})),
			),
			max: MAX_SECRETS_PER_PROJECT,
		};
		return c.json(body);
	})
	.put("/:name", async (c) => {
		const key = await requireKey(c.env);
		const name = parseName(c.req.param("name"));
		const raw = await readJson(c.req.raw, { requireJsonType: true, maxBytes: MAX_PUT_BODY_BYTES, tooLarge: TOO_LARGE });
		const parsed = putSecretRequest.safeParse(raw);
		if (!parsed.success) throw new HttpError(400, "invalid_request", describeIssues(parsed.error.issues));
		const { value } = parsed.data;
		const problem = secretValueProblem(value);
		if (problem === "too_large") throw new HttpError(413, TOO_LARGE.code, TOO_LARGE.message);
		if (problem === "empty") throw new HttpError(400, "invalid_secret_value", "A secret's value is not empty.");
		const project = c.get("owned");
		const sealed = await encryptSecret(key, project.id, name, value);
		const put = await putSecret(c.get("db"), project.id, name, sealed, MAX_SECRETS_PER_PROJECT);
		if (!put.ok) {
			throw new HttpError(
				409,
				"too_many_secrets",
				`A project has at most ${MAX_SECRETS_PER_PROJECT} secrets: delete one first.`,
			);
		}
		noteProjectState(project.id, { disabledAt: project.disabledAt, secretsRevision: put.revision });
		return c.json({ secret: { name, updatedAt: put.updatedAt } });
	})
	.delete("/:name", async (c) => {
		await requireKey(c.env);
		const name = parseName(c.req.param("name"));
		const project = c.get("owned");
		const revision = await deleteSecret(c.get("db"), project.id, name);
		if (revision === null) throw new HttpError(404, "secret_not_found", `This project has no secret ${name}.`);
		noteProjectState(project.id, { disabledAt: project.disabledAt, secretsRevision: revision });
		return c.body(null, 204);
	});

const TOO_LARGE = {
	code: "secret_too_large",
	message: `A secret's value is at most ${MAX_SECRET_BYTES} bytes.`,
};

/** The key from KILN_SECRETS_KEY, or 503: without it no value can be sealed or opened. */
async function requireKey(env: CodegenBindings): Promise<SecretsKey> {
	const state = await secretsKey(env.KILN_SECRETS_KEY);
	if (!state.ok) throw new HttpError(503, "secrets_unavailable", state.message);
	return state.key;
}

function parseName(raw: string): string {
	const problem = secretNameProblem(raw);
	if (problem) throw new HttpError(400, "invalid_secret_name", problem);
	return raw;
}
