/** `POST /api/generate` from Node, as a script or a user's automation calls it. */
import { expect } from "vitest";

export interface Generated {
	events: { event: string | undefined; data: unknown }[];
	/** The `start` event's data: the project (and, for a new one, its edit token). */
	start: { project: string; editToken?: string };
	last: { event: string | undefined; data: unknown } | undefined;
}

/** POST /api/generate on a dev server at `base` and read the whole event stream. */
export async function generateOver(base: string, body: object, token?: string): Promise<Generated> {
	const res = await fetch(`${base}/api/generate`, {
		method: "POST",
		headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
		body: JSON.stringify(body),
	});
	expect(res.status).toBe(200);
	const text = await res.text();
	const events = text
		.split("\n\n")
		.filter(Boolean)
		.map((b) => ({ event: /^event: (.*)$/m.exec(b)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(b)?.[1] ?? "null") }));
	return { events, start: events[0].data as Generated["start"], last: events.at(-1) };
}
