import { type Env, Hono } from "hono";
import { notFound, onError } from "./errors";

/** A Hono app with Kiln's JSON 404 and JSON 500 answers already wired. */
export function createApp<E extends Env>(): Hono<E> {
	const app = new Hono<E>();
	app.onError(onError);
	app.notFound(notFound);
	return app;
}
