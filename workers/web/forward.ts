import { errorBody, INTERNAL_ERROR_MESSAGE, rootCause } from "../../src/http/errors";

/**
 * Passes a request to another Worker through its service binding, optionally
 * without a path prefix (`/notion/webhooks` reaches the notion Worker as
 * `/webhooks`). If that Worker throws instead of answering, the caller still
 * gets Kiln's JSON 500, never the exception.
 */
export async function forward(
	worker: Fetcher,
	request: Request,
	name: string,
	stripPrefix?: string,
): Promise<Response> {
	let target = request;
	if (stripPrefix) {
		const url = new URL(request.url);
		url.pathname = url.pathname.slice(stripPrefix.length) || "/";
		target = new Request(url, request);
	}
	try {
		return await worker.fetch(target);
	} catch (err) {
		console.error(`${name} threw: ${rootCause(err)}`);
		return Response.json(errorBody("internal_error", INTERNAL_ERROR_MESSAGE), {
			status: 500,
		});
	}
}
