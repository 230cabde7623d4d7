/**
 * The owner's server log (/api/projects/:project/logs, issue 15 part 2): each
 * request to the app's server with its method, path, status and duration,
 * what the app printed and the errors it did not catch, newest first; never
 * another app's; a printed secret redacted before it is stored; bounded per
 * request and in all; out of the app's own SQL's reach; owner only.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LOG_MAX_AGE_MS, LOG_MAX_ENTRIES } from "../../src/shared/secrets";
import { MAX_LINES } from "../../workers/codegen/logs/entry";
import { appLogs } from "../../workers/codegen/logs/object";
import { REDACTED } from "../../workers/codegen/secrets/redact";
import { call, expectError, onOrigin, withServer } from "./helpers";
import { bearer, complete, logs, logsWhen, SECRET_APP, setSecret, THROWING_APP } from "./owner-helpers";

describe("the log of an app's server", () => {
	it("has each request, newest first: method, path, status, duration, version, output and errors", async () => {
		const app = await withServer(SECRET_APP);
		const p = app.project;
		expect(await logs(p, app.token)).toEqual([]);
		expect((await onOrigin(p, "/api/print?q=hidden")).status).toBe(200);
		expect((await onOrigin(p, "/api/fail")).status).toBe(500);
		expect((await onOrigin(p, "/v/1/api/secret", { method: "GET" })).status).toBe(200);
		expect((await onOrigin(p, "/api/nothing-here", { method: "POST" })).status).toBe(404);

		const entries = await logsWhen(
			p,
			app.token,
			(es) => es.length === 4 && es.every((e) => e.durationMs !== null) && es.filter(complete).length >= 2,
		);
		expect(entries.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
			"POST /api/nothing-here 404",
			"GET /api/secret 200",
			"GET /api/fail 500",
			"GET /api/print 200",
		]);
		for (const e of entries) {
			expect(e.version).toBe(1);
			expect(e.durationMs).toBeGreaterThanOrEqual(0);
			expect(e.truncated).toBe(false);
		}
		const [, , fail, print] = entries;
		expect(print.at).toBeLessThanOrEqual(fail.at);
		expect(print.logs.map((l) => [l.level, l.message])).toEqual([
			// (The runtime passes a printed undefined on as null.)
			["log", "the key is null"],
			["info", '{"nested":{}}'],
			["warn", "careful"],
		]);
		// A throw in a Hono route is an error the app did not catch (Kiln's Hono passes it to the shim), not a line.
		expect(fail.logs).toEqual([]);
		expect(fail.errors).toEqual([
			{ name: "Error", message: "failed with undefined", stack: expect.stringMatching(/\n\s+at /) },
		]);
	});

	it("records an error the app did not catch, and Kiln's status for a request it cut short", async () => {
		const app = await withServer(THROWING_APP);
		expect((await onOrigin(app.project, "/api/x")).status).toBe(500);
		const [entry] = await logsWhen(app.project, app.token, (es) =>
			es.some((e) => e.errors.length > 0 && e.durationMs !== null),
		);
		expect(entry).toMatchObject({ method: "GET", path: "/api/x", status: 500 });
		expect(entry.logs.map((l) => l.message)).toEqual(["about to throw"]);
		expect(entry.errors).toEqual([
			{ name: "TypeError", message: "plain failure with undefined", stack: expect.stringMatching(/at /) },
		]);

		const slow = await withServer(
			`export default { fetch() { console.log("waiting"); return new Promise(() => {}); } };`,
		);
		expect((await onOrigin(slow.project, "/api/hang")).status).toBe(504);
		const [hung] = await logsWhen(slow.project, slow.token, (es) => es.some((e) => e.durationMs !== null));
		expect(hung).toMatchObject({ path: "/api/hang", status: 504 });
		expect(typeof hung.durationMs).toBe("number");
	});

	it("never shows another app's requests", async () => {
		const a = await withServer(SECRET_APP);
		const b = await withServer(SECRET_APP);
		await onOrigin(a.project, "/api/print");
		await onOrigin(b.project, "/api/secret");
		await onOrigin(b.project, "/api/chatty");
		const inA = await logsWhen(a.project, a.token, (es) => es.filter(complete).length === 1);
		const inB = await logsWhen(b.project, b.token, (es) => es.length === 2 && es.some(complete));
		expect(inA.map((e) => e.path)).toEqual(["/api/print"]);
		expect(inB.map((e) => e.path)).toEqual(["/api/chatty", "/api/secret"]);
		const ids = new Set(inA.map((e) => e.id));
		for (const e of inB) expect(ids.has(e.id)).toBe(false);
		// And one owner's token does not open the other's log.
		await expectError(
			await call(`/api/projects/${b.project}/logs`, { headers: bearer(a.token) }),
			403,
			"invalid_edit_token",
		);
	});

	it("redacts a printed secret before it is stored, as text, inside JSON and in an error", async () => {
		const app = await withServer(SECRET_APP);
		const value = 'pa"ss\nword-7Zq';
		await setSecret(app.project, "API_KEY", value, app.token);
		await onOrigin(app.project, "/api/print");
		await onOrigin(app.project, "/api/fail");
		await onOrigin(app.project, "/api/raw");
		const thrower = await withServer(THROWING_APP);
		await setSecret(thrower.project, "API_KEY", value, thrower.token);
		await onOrigin(thrower.project, "/api/x");
		await logsWhen(app.project, app.token, (es) => es.filter(complete).length === 3);
		await logsWhen(thrower.project, thrower.token, (es) => es.some((e) => e.errors.length > 0));

		// What the log objects store, read straight from them (not through the route, which redacts again).
		const stored = await appLogs(env.APP_LOGS, app.project).list(LOG_MAX_ENTRIES);
		const text = JSON.stringify(stored);
		expect(text).not.toContain('pa\\"ss');
		expect(text).not.toContain("word-7Zq");
		const lines = stored.flatMap((e) => e.logs.map((l) => l.message));
		expect(lines).toContain(`the key is ${REDACTED}`);
		expect(lines).toContain(`{"nested":{"key":"${REDACTED}"}}`);
		const errors = stored.flatMap((e) => e.errors);
		expect(errors.map((e) => e.message)).toEqual([`failed with ${REDACTED}`]);
		// Printed with the console as it was before Kiln's shim hid secrets in it: the tail's redaction alone.
		expect(lines).toContain(`raw ${REDACTED} {"k":"${REDACTED}"}`);
		const thrown = await appLogs(env.APP_LOGS, thrower.project).list(LOG_MAX_ENTRIES);
		expect(thrown[0].errors[0].message).toBe(`plain failure with ${REDACTED}`);
		expect(JSON.stringify(thrown)).not.toContain("word-7Zq");
	});

	it("redacts today's values on the way out too (a client may put one in a path)", async () => {
		const app = await withServer(SECRET_APP);
		await setSecret(app.project, "API_KEY", "in-the-path-42", app.token);
		await onOrigin(app.project, "/api/in-the-path-42");
		const [entry] = await logsWhen(app.project, app.token, (es) => es.length === 1 && es[0].durationMs !== null);
		expect(entry.path).toBe(`/api/${REDACTED}`);
		expect(JSON.stringify(await appLogs(env.APP_LOGS, app.project).list(5))).toContain("in-the-path-42");
	});
});

describe("bounds", () => {
	it("keeps at most MAX_LINES lines of one request, marked truncated", async () => {
		const app = await withServer(SECRET_APP);
		await onOrigin(app.project, "/api/chatty");
		const [entry] = await logsWhen(app.project, app.token, (es) => es.some(complete));
		expect(entry.logs).toHaveLength(MAX_LINES);
		expect(entry.logs[0].message).toMatch(/^line 0 x+$/);
		expect(entry.truncated).toBe(true);
	});

	it("keeps the newest LOG_MAX_ENTRIES entries of the last day", async () => {
		const book = appLogs(env.APP_LOGS, "ringproject1");
		const now = Date.now();
		await book.write(
			[
				{
					id: "old",
					at: now - LOG_MAX_AGE_MS - 1000,
					method: "GET",
					path: "/api/old",
					status: 200,
					durationMs: 1,
					version: 1,
				},
			],
			[],
		);
		for (let i = 0; i < LOG_MAX_ENTRIES + 5; i++) {
			await book.write(
				[
					{
						id: `r${i}`,
						at: now + i,
						method: "GET",
						path: `/api/${i}`,
						status: 200,
						durationMs: 1,
						version: 1,
					},
				],
				[],
			);
		}
		const kept = await book.list(LOG_MAX_ENTRIES);
		expect(kept).toHaveLength(LOG_MAX_ENTRIES);
		expect(kept[0].id).toBe(`r${LOG_MAX_ENTRIES + 4}`);
		expect(kept.at(-1)?.id).toBe("r5");
		expect(kept.some((e) => e.id === "old")).toBe(false);
		// Read with a clock a day later: nothing is that recent any more.
		expect(await book.list(LOG_MAX_ENTRIES, now + LOG_MAX_AGE_MS + LOG_MAX_ENTRIES + 10)).toEqual([]);
	});

	it("merges the two reports of a request in either order, Kiln's status winning", async () => {
		const book = appLogs(env.APP_LOGS, "mergeproject1");
		const at = Date.now();
		const facts = { at, method: "GET", path: "/api/a", status: 502, durationMs: 7, version: 3 };
		const report = {
			at: at - 1,
			method: "GET",
			path: "/api/a",
			status: 200,
			logs: [{ level: "log", message: "hi", at: at - 1 }],
			errors: [],
			truncated: false,
		};
		await book.write([{ id: "first-kiln", ...facts }], []);
		await book.write([], [{ id: "first-kiln", ...report }]);
		await book.write([], [{ id: "first-runtime", ...report }]);
		await book.write([{ id: "first-runtime", ...facts }], []);
		// And both in one batch.
		await book.write([{ id: "one-batch", ...facts }], [{ id: "one-batch", ...report }]);
		const merged = await book.list(10);
		expect(merged).toHaveLength(3);
		for (const e of merged) {
			expect(e).toMatchObject({ status: 502, durationMs: 7, version: 3, logs: [{ message: "hi" }] });
		}
	});
});

describe("out of the app's reach, and the owner's only", () => {
	it("is not in the app's SQL database", async () => {
		const app = await withServer(SECRET_APP);
		await onOrigin(app.project, "/api/print");
		await logsWhen(app.project, app.token, (es) => es.some(complete));
		const res = await onOrigin(app.project, "/api/tables");
		expect(res.status).toBe(200);
		const tables = (await res.json()) as { name: string }[];
		expect(tables.map((t) => t.name)).not.toContain("entries");
	});

	it("refuses a missing or wrong token, an unknown project and a bad limit, with JSON errors", async () => {
		const app = await withServer(SECRET_APP);
		const url = `/api/projects/${app.project}/logs`;
		await expectError(await call(url), 401, "edit_token_required");
		await expectError(await call(url, { headers: bearer("kiln_wrong") }), 403, "invalid_edit_token");
		await expectError(
			await call("/api/projects/nosuchproject1/logs", { headers: bearer(app.token) }),
			404,
			"project_not_found",
		);
		await expectError(await call("/api/projects/Bad!/logs", { headers: bearer(app.token) }), 400, "invalid_project_id");
		for (const limit of ["0", "-1", "abc", "1.5", String(LOG_MAX_ENTRIES + 1)]) {
			await expectError(await call(`${url}?limit=${limit}`, { headers: bearer(app.token) }), 400, "invalid_limit");
		}
		expect(await logs(app.project, app.token, "?limit=1")).toEqual([]);
	});
});
