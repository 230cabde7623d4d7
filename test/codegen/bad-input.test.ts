import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_PROMPT_CHARS } from "../../src/shared/api";
import { allRequests } from "../fakes/openai";
import { call, expectError, FAKE, generate, newProject, postJson, rowCounts } from "./helpers";

// Must-hold 4: every bad input gets a 4xx JSON error, and nothing is written
// (no project, no version, no data) and no model is asked.

let project: string;
let token: string;

beforeAll(async () => {
	({ project, token } = await newProject("the bad input test"));
});

/** Sends a request, checks the status and error code, and that no table changed and the upstream was not called. */
async function refused(send: () => Promise<Response>, status: number, code: string) {
	const before = await rowCounts();
	const upstreamBefore = (await allRequests(FAKE)).length;
	const err = await expectError(await send(), status, code);
	expect(await rowCounts()).toEqual(before);
	// Other test files run at the same time and may call the fake; a bad request adds none of its own.
	const mine = (await allRequests(FAKE))
		.slice(upstreamBefore)
		.filter((r) => JSON.stringify(r.body).includes("BADINPUT"));
	expect(mine).toEqual([]);
	return err;
}

const gen =
	(body: unknown, headers: Record<string, string> = {}) =>
	() =>
		postJson("/api/generate", body, headers);
const auth = () => ({ authorization: `Bearer ${token}` });

describe("POST /api/generate refuses", () => {
	it("a body that is not JSON", async () => {
		await refused(gen("{prompt: BADINPUT"), 400, "invalid_json");
		await refused(gen(""), 400, "invalid_json");
		await refused(
			() =>
				call("/api/generate", {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: new Uint8Array([0xff, 0xfe, 0x7b]),
				}),
			400,
			"invalid_json",
		);
	});

	it("a body over 1 MiB, by Content-Length and while reading", async () => {
		const big = JSON.stringify({ prompt: `BADINPUT ${"x".repeat(MAX_BODY_BYTES)}` });
		await refused(gen(big), 413, "body_too_large");
		// Streamed with no Content-Length: refused while reading.
		const stream = () =>
			new ReadableStream({
				start(c) {
					c.enqueue(new TextEncoder().encode(big));
					c.close();
				},
			});
		await refused(
			() => call("/api/generate", { method: "POST", headers: { "content-type": "application/json" }, body: stream() }),
			413,
			"body_too_large",
		);
	});

	it("a body not sent as application/json (a cross-site form could send text/plain unasked)", async () => {
		for (const type of [
			null,
			"text/plain",
			"application/x-www-form-urlencoded",
			"multipart/form-data",
			"application/jsonp",
		]) {
			const headers: Record<string, string> = type ? { "content-type": type } : {};
			await refused(
				() => call("/api/generate", { method: "POST", headers, body: JSON.stringify({ prompt: "BADINPUT" }) }),
				415,
				"unsupported_media_type",
			);
		}
		await refused(
			() =>
				call(`/api/projects/${project}/remix`, {
					method: "POST",
					headers: { "content-type": "text/plain" },
					body: "{}",
				}),
			415,
			"unsupported_media_type",
		);
		// Parameters are fine.
		const ok = await call("/api/generate", {
			method: "POST",
			headers: { "content-type": "application/json; charset=utf-8" },
			body: JSON.stringify({}),
		});
		await expectError(ok, 400, "invalid_request");
	});

	it("a missing, empty or whitespace prompt", async () => {
		await refused(gen({}), 400, "invalid_request");
		await refused(gen({ prompt: "" }), 400, "invalid_request");
		const err = await refused(gen({ prompt: " \n\t " }), 400, "invalid_request");
		expect(err.message).toContain("prompt");
	});

	it("a prompt over 20,000 characters (and takes one of exactly 20,000)", async () => {
		const err = await refused(gen({ prompt: `BADINPUT${"y".repeat(MAX_PROMPT_CHARS - 7)}` }), 400, "invalid_request");
		expect(err.message).toContain("20000");
		expect((await generate({ prompt: "z".repeat(MAX_PROMPT_CHARS) })).version).toBe(1);
	});

	it("wrong types and unknown fields", async () => {
		for (const body of [
			{ prompt: 42 },
			{ prompt: ["BADINPUT"] },
			{ prompt: "BADINPUT", project: 7 },
			{ prompt: "BADINPUT", project, fromVersion: "1" },
			{ prompt: "BADINPUT", extra: true },
			["BADINPUT"],
			'"BADINPUT"', // a JSON string, not an object
			null,
		]) {
			await refused(gen(body, auth()), 400, "invalid_request");
		}
	});

	it("an unknown project, and a malformed project id", async () => {
		await refused(gen({ prompt: "BADINPUT", project: "nosuchproject1" }, auth()), 404, "project_not_found");
		for (const bad of ["AB", "has-dash", "x".repeat(33), "Upper1", "../etc"]) {
			await refused(gen({ prompt: "BADINPUT", project: bad }, auth()), 400, "invalid_request");
		}
	});

	it("a missing or wrong edit token", async () => {
		const missing = await postJson("/api/generate", { prompt: "BADINPUT", project });
		expect(missing.headers.get("www-authenticate")).toContain("Bearer");
		await refused(async () => missing, 401, "edit_token_required");
		await refused(
			gen({ prompt: "BADINPUT", project }, { authorization: "Bearer kiln_wrong" }),
			403,
			"invalid_edit_token",
		);
		await refused(
			gen({ prompt: "BADINPUT", project }, { authorization: `Basic ${token}` }),
			401,
			"edit_token_required",
		);
		const other = await newProject("another project");
		await refused(
			gen({ prompt: "BADINPUT", project }, { authorization: `Bearer ${other.token}` }),
			403,
			"invalid_edit_token",
		);
	});

	it("a fromVersion that does not exist, is negative, zero, or not an integer", async () => {
		await refused(gen({ prompt: "BADINPUT", project, fromVersion: 99 }, auth()), 404, "version_not_found");
		for (const v of ["-1", "0", "1.5", "1e400", '"2"', "null"]) {
			await refused(
				gen(`{"prompt":"BADINPUT","project":"${project}","fromVersion":${v}}`, auth()),
				400,
				"invalid_request",
			);
		}
		await refused(gen({ prompt: "BADINPUT", fromVersion: 1 }), 400, "invalid_request");
	});
});

describe("GET /p/... refuses", () => {
	it("a malformed project id", async () => {
		for (const bad of ["AB", "has-dash", "x".repeat(33), "Upper1"]) {
			await refused(() => call(`/p/${bad}`), 400, "invalid_project_id");
			await refused(() => call(`/p/${bad}/v/1`), 400, "invalid_project_id");
		}
	});

	it("version 0, -1, abc, 1e9 (and 01, 1.5, huge)", async () => {
		for (const bad of ["0", "-1", "abc", "1e9", "01", "1.5", "99999999"]) {
			await refused(() => call(`/p/${project}/v/${bad}`), 400, "invalid_version");
		}
	});

	it("an unknown project or version with a 404", async () => {
		await refused(() => call("/p/nosuchproject2"), 404, "project_not_found");
		await refused(() => call(`/p/${project}/v/42`), 404, "version_not_found");
	});
});

describe("POST /api/projects/:project/remix refuses", () => {
	it("bad bodies, unknown projects and versions", async () => {
		const remix =
			(body: string, id = project) =>
			() =>
				call(`/api/projects/${id}/remix`, { method: "POST", headers: { "content-type": "application/json" }, body });
		await refused(remix("{nope"), 400, "invalid_json");
		await refused(remix(JSON.stringify({ fromVersion: 0 })), 400, "invalid_request");
		await refused(remix(JSON.stringify({ fromVersion: "1" })), 400, "invalid_request");
		await refused(remix(JSON.stringify({ other: 1 })), 400, "invalid_request");
		await refused(remix(JSON.stringify({ fromVersion: 7 })), 404, "version_not_found");
		await refused(remix("{}", "nosuchproject3"), 404, "project_not_found");
		await refused(remix("{}", "BAD"), 400, "invalid_project_id");
	});
});
