/**
 * The SPA's API client against a real HTTP server. A lookup that is stopped
 * while its error body is still arriving must say "aborted", not the status:
 * the project page stops the lookup it made while v1 was being written (a
 * 404 then) when v1 is stored, and a stale 404 landing after that showed
 * "No such app" for an app that exists (seen in CI as a preview that never came).
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

type Api = typeof import("../../src/spa/lib/api");

let api: Api;
let url: string;
const held: ServerResponse[] = [];
const server = createServer((req, res) => {
	if (req.url === "/api/generate") {
		// A refusal whose status arrives at once and whose body never finishes.
		res.writeHead(500, { "Content-Type": "application/json" });
		res.write('{"error":{"code":"internal_error",');
		held.push(res);
		return;
	}
	if (req.url === "/api/projects/slow404") {
		// The status and half the body now, the rest never.
		res.writeHead(404, { "Content-Type": "application/json" });
		res.write('{"error":{"code":"project_not_found",');
		held.push(res);
		return;
	}
	res.writeHead(404, { "Content-Type": "application/json" });
	res.end(JSON.stringify({ error: { code: "project_not_found", message: 'No project "gone".' } }));
});

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	// The client is bound to the page's origin when the module loads.
	vi.stubGlobal("location", new URL(url));
	api = await import("../../src/spa/lib/api");
});

afterAll(async () => {
	for (const res of held) res.destroy();
	vi.unstubAllGlobals();
	await new Promise((resolve) => server.close(resolve));
});

describe("fetchProject", () => {
	it("reports the API's error code and message", async () => {
		const err = await api.fetchProject("gone").catch((e) => e);
		expect(err).toBeInstanceOf(api.ApiError);
		expect(err).toMatchObject({ status: 404, code: "project_not_found", message: 'No project "gone".' });
	});

	it("stopped while the error body arrives: rejects as aborted, not as the 404", async () => {
		const abort = new AbortController();
		const pending = api.fetchProject("slow404", abort.signal).catch((e) => e);
		await vi.waitFor(() => expect(held).toHaveLength(1));
		// Let the status line and headers reach the client before stopping it.
		await new Promise((r) => setTimeout(r, 50));
		abort.abort();
		const err = await pending;
		expect(err).toBeInstanceOf(api.ApiError);
		expect(err.code).toBe("aborted");
	});
});

describe("generate", () => {
	it("stopped while a refusal's body arrives: rejects as aborted (the page then says Stopped)", async () => {
		const abort = new AbortController();
		const before = held.length;
		const events = api.generate({ prompt: "an app" }, { signal: abort.signal });
		const pending = events.next().catch((e) => e);
		await vi.waitFor(() => expect(held.length).toBe(before + 1));
		await new Promise((r) => setTimeout(r, 50));
		abort.abort();
		const err = await pending;
		expect(err).toBeInstanceOf(api.ApiError);
		expect(err.code).toBe("aborted");
	});
});
