import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createScenario, heldCount, release, waitForHeld } from "../fakes/openai";

// The codegen Worker as users reach it: through the web Worker's gateway and
// its CODEGEN service binding, including a project's own origin by Host.

const FAKE = env.FAKE_OPENAI_URL;
const at = (url: string, init?: RequestInit) => exports.default.fetch(url, init);

async function readEvents(res: Response) {
	const text = await res.text();
	return text
		.split("\n\n")
		.filter(Boolean)
		.map((block) => ({
			event: /^event: (.*)$/m.exec(block)?.[1],
			data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null"),
		}));
}

describe("through the gateway", () => {
	it("a client that hangs up mid-stream (Stop, a closed tab) cancels the model call, and nothing is stored", async () => {
		const s = await createScenario(FAKE, { replies: [{ holdAfterChunks: 1 }] });
		const res = await at("http://localhost:8787/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `an app given up on ${s.marker}` }),
		});
		const reader = (res.body as ReadableStream<Uint8Array>).getReader();
		const first = new TextDecoder().decode((await reader.read()).value);
		const project = /"project":"([a-z0-9]+)"/.exec(first)?.[1];
		await waitForHeld(FAKE, s.id);
		await reader.cancel();
		// Dropped at once, through the service binding (long before the 30 s idle timeout).
		for (let i = 0; i < 20 && (await heldCount(FAKE, s.id)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
		expect(await heldCount(FAKE, s.id)).toBe(0);
		await release(FAKE, s.id);
		await new Promise((r) => setTimeout(r, 300));
		expect((await at(`http://localhost:8787/api/projects/${project}`)).status).toBe(404);
	});

	it("streams a generation, then serves the app on <project>.localhost with its data store", async () => {
		const s = await createScenario(FAKE, { replies: [{ holdAfterChunks: 1 }] });
		const res = await at("http://localhost:8787/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `a gateway app ${s.marker}` }),
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/event-stream");
		// The gateway passes the stream on as it comes: the start event arrives while the model is held.
		const reader = (res.body as ReadableStream<Uint8Array>).getReader();
		const first = new TextDecoder().decode((await reader.read()).value);
		expect(first).toMatch(/^event: start\n/);
		await waitForHeld(FAKE, s.id);
		await release(FAKE, s.id);
		let rest = "";
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			rest += new TextDecoder().decode(value);
		}
		const events = await readEvents(new Response(first + rest));
		const done = events.at(-1);
		expect(done?.event).toBe("done");
		const project = done?.data.project as string;

		// /p/<project> on Kiln's origin redirects to the project's own origin...
		const share = await at(`http://localhost:8787/p/${project}`, { redirect: "manual" });
		expect(share.status).toBe(302);
		expect(share.headers.get("location")).toBe(`http://${project}.localhost:8787/`);
		// ...which the gateway routes to codegen by Host, for every path.
		const app = await at(`http://${project}.localhost:8787/`);
		expect(app.status).toBe(200);
		expect(await app.text()).toContain(`<h1>a gateway app ${s.marker}</h1>`);
		expect((await at(`http://${project}.localhost:8787/v/1`)).headers.get("cache-control")).toBe(
			"public, max-age=31536000, immutable",
		);
		const put = await at(`http://${project}.localhost:8787/_kiln/data/notes/n1`, {
			method: "PUT",
			body: '{"text":"kept"}',
		});
		expect(put.status).toBe(200);
		const got = await at(`http://${project}.localhost:8787/_kiln/data/notes/n1`);
		expect(await got.json()).toMatchObject({ key: "n1", value: { text: "kept" } });
		// The SPA and Kiln's API are not served on an app's origin.
		const api = await at(`http://${project}.localhost:8787/api/projects/${project}`);
		expect(api.status).toBe(404);
		expect(await at(`http://${project}.localhost:8787/healthz`).then((r) => r.status)).toBe(404);
	});

	it("serves the data-store client on Kiln's origin too (for sandboxed apps)", async () => {
		const res = await at("http://localhost:8787/_kiln/db.js");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("javascript");
	});

	it("answers the SPA's config with the starters", async () => {
		const res = await at("https://kiln.test/api/config");
		const body = await res.json<{ llm: { configured: boolean }; starters: unknown[] }>();
		expect(body.llm.configured).toBe(true);
		expect(body.starters.length).toBeGreaterThanOrEqual(6);
	});
});
