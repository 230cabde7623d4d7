/**
 * The SPA's API client carries D1 bookmarks (src/spa/lib/bookmarks.ts): it
 * sends the newest it has seen, from answers' x-d1-bookmark headers and from
 * a generation's `done` event, against a real HTTP server that records what
 * each request sent.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

type Api = typeof import("../../src/spa/lib/api");

const B = (n: number) => `00000000-${n.toString(16).padStart(8, "0")}-00000000-${"0".repeat(32)}`;

let api: Api;
/** The bookmark each request sent (null: none), in order. */
const sent: (string | null)[] = [];
/** What the server answers next in x-d1-bookmark, and in `done`. */
let answerWith: string | null = null;
let doneWith: string | null = null;

const PROJECT = {
	project: { id: "abc123", title: "t", remixedFromProject: null, remixedFromVersion: null, createdAt: 0 },
	versions: [],
};

function record(req: IncomingMessage) {
	const h = req.headers["x-d1-bookmark"];
	sent.push(typeof h === "string" ? h : null);
}

const server = createServer((req, res) => {
	record(req);
	const headers: Record<string, string> = answerWith ? { "x-d1-bookmark": answerWith } : {};
	if (req.url === "/api/generate") {
		res.writeHead(200, { ...headers, "Content-Type": "text/event-stream" });
		res.write('event: start\ndata: {"project":"abc123"}\n\n');
		const done = { project: "abc123", version: 2, stats: {}, ...(doneWith && { bookmark: doneWith }) };
		res.end(`event: done\ndata: ${JSON.stringify(done)}\n\n`);
		return;
	}
	if (req.url?.endsWith("/remix")) {
		res.writeHead(201, { ...headers, "Content-Type": "application/json" });
		res.end(JSON.stringify({ project: "new123", version: 1, editToken: "t", remixedFrom: {}, appUrl: "x" }));
		return;
	}
	if (req.url?.includes("/versions/")) {
		res.writeHead(200, { ...headers, "Content-Type": "application/json" });
		res.end(JSON.stringify({ version: { number: 1 } }));
		return;
	}
	res.writeHead(200, { ...headers, "Content-Type": "application/json" });
	res.end(JSON.stringify(PROJECT));
});

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	// The client is bound to the page's origin when the module loads.
	vi.stubGlobal("location", new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
	api = await import("../../src/spa/lib/api");
});

afterAll(async () => {
	vi.unstubAllGlobals();
	await new Promise((resolve) => server.close(resolve));
});

async function drain(events: AsyncGenerator<unknown>) {
	for await (const _ of events);
}

describe("the API client's bookmark", () => {
	it("sends none before it has seen one, then always the newest it has seen", async () => {
		answerWith = B(5);
		await api.fetchProject("abc123");
		expect(sent.at(-1)).toBeNull();

		// An older bookmark in an answer (another replica, another read) does not replace a newer one.
		answerWith = B(3);
		await api.fetchProject("abc123");
		expect(sent.at(-1)).toBe(B(5));
		answerWith = B(9);
		await api.fetchVersion("abc123", 1);
		expect(sent.at(-1)).toBe(B(5));
		answerWith = null;
		await api.fetchProject("abc123");
		expect(sent.at(-1)).toBe(B(9));
	});

	it("keeps the bookmark of a generation's `done`, newer than the stream's header, for the reads that follow", async () => {
		answerWith = B(10); // the stream opened after the lookup; the write came later
		doneWith = B(12);
		await drain(api.generate({ prompt: "an app" }));
		answerWith = null;
		await api.fetchVersion("abc123", 2);
		expect(sent.at(-1)).toBe(B(12));
	});

	it("keeps the bookmark in a remix's answer, so the new project is read after it", async () => {
		answerWith = B(20);
		await api.remix("abc123");
		answerWith = null;
		await api.fetchProject("new123");
		expect(sent.at(-1)).toBe(B(20));
	});

	it("ignores what is not a bookmark, in a header or in `done`", async () => {
		answerWith = "garbage";
		doneWith = "first-primary";
		await drain(api.generate({ prompt: "an app" }));
		answerWith = "FFFFFFFF-FFFFFFFF-FFFFFFFF-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
		await api.fetchProject("abc123");
		answerWith = null;
		await api.fetchProject("abc123");
		expect(sent.at(-1)).toBe(B(20));
	});
});
