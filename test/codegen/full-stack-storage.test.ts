import { describe, expect, it } from "vitest";
import { appContentHash } from "../../src/shared/answer";
import { sha256Hex } from "../../src/shared/hash";
import { createScenario, recordedRequests } from "../fakes/openai";
import { call, FAKE, generate, postJson } from "./helpers";

const PAGE = '<!DOCTYPE html>\n<html><head><title>Counter</title></head><body><p id="n"></p></body></html>';
const SERVER =
	'import { Hono } from "hono";\nconst app = new Hono();\napp.get("/api/count", (c) => c.json({ n: 1 }));\nexport default app;';
const ANSWER = `- A counter kept by the server\n\n\`\`\`html index.html\n${PAGE}\n\`\`\`\n\n\`\`\`js server.js\n${SERVER}\n\`\`\`\n`;

interface VersionBody {
	version: { number: number; code: string; server: string | null; contentHash: string };
}

describe("a version with a server module", () => {
	it("stores both files, hashes both into the ETag, gives a follow-up both, and remix copies both", async () => {
		const s = await createScenario(FAKE, { replies: [{ text: ANSWER }] });
		const first = await generate({ prompt: `a counter with a server ${s.marker}` });
		expect(first.error).toBeUndefined();
		expect(first.version).toBe(1);

		const v1 = (await (await call(`/api/projects/${first.project}/versions/1`)).json()) as VersionBody;
		expect(v1.version.code).toBe(PAGE);
		expect(v1.version.server).toBe(SERVER);
		const hash = await appContentHash({ html: PAGE, server: SERVER });
		expect(v1.version.contentHash).toBe(hash);
		// Not the page's hash alone: a change to the server alone changes the ETag.
		expect(hash).not.toBe(await sha256Hex(PAGE));

		// A follow-up: the model is given both files.
		const f = await createScenario(FAKE);
		const second = await generate({ prompt: `make it red ${f.marker}`, project: first.project }, first.editToken);
		expect(second.version).toBe(2);
		const [req] = await recordedRequests(FAKE, f.id);
		const sent = String(req.body?.messages?.at(-1)?.content);
		expect(sent).toContain(`\`\`\`js server.js\n${SERVER}\n\`\`\``);
		expect(sent).toContain(`\`\`\`html index.html\n${PAGE}\n\`\`\``);
		// The fake answered with a page only: v2 has no server.
		const v2 = (await (await call(`/api/projects/${first.project}/versions/2`)).json()) as VersionBody;
		expect(v2.version.server).toBeNull();

		// Remix of v1 copies the server too.
		const remixed = await postJson(`/api/projects/${first.project}/remix`, { fromVersion: 1 });
		expect(remixed.status).toBe(201);
		const { project } = (await remixed.json()) as { project: string };
		const copy = (await (await call(`/api/projects/${project}/versions/1`)).json()) as VersionBody;
		expect(copy.version).toMatchObject({ code: PAGE, server: SERVER, contentHash: hash });
	});

	it("keeps a page-only version's ETag the hash of its page, as before servers existed", async () => {
		const g = await generate({ prompt: "a page only" });
		const v = (await (await call(`/api/projects/${g.project}/versions/1`)).json()) as VersionBody;
		expect(v.version.server).toBeNull();
		expect(v.version.contentHash).toBe(await sha256Hex(v.version.code));
	});
});
