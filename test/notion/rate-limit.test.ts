// Point 5 of issue 5: 100 events arriving at once are all processed, none
// lost, and Notion never sees more than 3 requests in any second. The bound
// is measured on the arrival times the fake Notion API recorded.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { automationBody, fake, post, prop, uuid } from "./helpers";

const EVENTS = 100;

/** The most requests inside any one-second window [t, t + 1000). */
function maxPerSecond(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= 1000) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
}

it(`${EVENTS} events at once: all processed, never more than 3 Notion requests a second`, {
	timeout: 120_000,
}, async () => {
	const pages = Array.from({ length: EVENTS }, () => uuid());
	await fake.seed({ pages: pages.map((id) => ({ id, properties: { Name: prop.title(id), JSON: prop.text("") } })) });

	const responses = await Promise.all(
		pages.map((id) =>
			post("/property/injections", automationBody({ id, properties: { Name: prop.title(id), JSON: prop.text("") } })),
		),
	);
	expect(responses.map((r) => r.status)).toEqual(pages.map(() => 202));

	const deadline = Date.now() + 100_000;
	for (;;) {
		const row = await env.DB.prepare("SELECT count(*) AS n FROM notion_events WHERE status = 'done'").first<{
			n: number;
		}>();
		if (row?.n === EVENTS) break;
		if (Date.now() > deadline) throw new Error(`only ${row?.n} of ${EVENTS} events done`);
		await new Promise((r) => setTimeout(r, 250));
	}
	const stats = await env.DB.prepare(
		"SELECT status, count(*) AS n, max(attempts) AS a FROM notion_events GROUP BY status",
	).all();
	expect(stats.results).toEqual([{ status: "done", n: EVENTS, a: 1 }]);

	const calls = await fake.calls(...pages);
	// Exactly one write per event, each to its own page: none lost, none doubled.
	expect(calls).toHaveLength(EVENTS);
	expect(new Set(calls.map((c) => c.path))).toEqual(new Set(pages.map((id) => `/v1/pages/${id}`)));
	expect(calls.every((c) => c.status === 200)).toBe(true);
	expect(maxPerSecond(calls.map((c) => c.at))).toBeLessThanOrEqual(3);

	const sample = (await fake.state(pages[EVENTS - 1])).page;
	expect(sample.properties.JSON.rich_text?.[0].plain_text).toBe(JSON.stringify({ Name: pages[EVENTS - 1] }));
});
