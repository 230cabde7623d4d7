/**
 * What a taken-down app answers (the operator's takedown: routes/admin.ts):
 * 410 Gone on its pages (a small HTML page), its server and its data store (a
 * JSON error), never cached, so that re-enabling it takes effect at once.
 * Nothing of the app is deleted.
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../../src/http/errors";
import type { CodegenEnv } from "./context";
import { isTakenDown } from "./project-state";

export const TAKEN_DOWN_MESSAGE = "This app has been disabled by the operator of this Kiln.";

/** The JSON answer of a taken-down app's server, data store, code and remix. */
export function takenDownError(): HttpError {
	return new HttpError(410, "app_disabled", TAKEN_DOWN_MESSAGE, { "Cache-Control": "no-store" });
}

/** The page a taken-down app's pages answer, latest and pinned alike. */
export function takenDownPage(): Response {
	const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>App disabled</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>App disabled</h1><p>${TAKEN_DOWN_MESSAGE}</p></body></html>
`;
	return new Response(html, {
		status: 410,
		headers: {
			"Content-Type": "text/html; charset=utf-8",
			"Cache-Control": "no-store",
			"X-Content-Type-Options": "nosniff",
		},
	});
}

/** Refuses the data store of a taken-down project (`projectId` set before it). */
export const refuseTakenDown: MiddlewareHandler<CodegenEnv> = async (c, next) => {
	if (await isTakenDown(c.get("db"), c.get("projectId"))) throw takenDownError();
	await next();
};
