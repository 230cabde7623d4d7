/**
 * The owner's secrets (/api/projects/:project/secrets, issue 15 part 1): set,
 * read by the app's server as env.NAME, changed and read again on the next
 * request (latest and pinned), deleted; sealed at rest; absent from a remix,
 * a version, the database download, every response and every log line; and
 * every refused request (bad names, oversize values, no or another token, no
 * key) a JSON error that writes nothing.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { listSealedSecretsSince } from "../../src/db/secrets";
import { MAX_SECRET_BYTES, MAX_SECRETS_PER_PROJECT, type SecretsJson } from "../../src/shared/secrets";
import { decryptSecret, encryptSecret, secretsKey } from "../../workers/codegen/secrets/crypto";
import { call, callWithEnv, expectError, onOrigin, withServer } from "./helpers";
import {
	bearer,
	complete,
	logsWhen,
	putSecret,
	SECRET_APP,
	secretNames,
	secretsState,
	setSecret,
	THROWING_APP,
} from "./owner-helpers";

const readSecret = async (project: string, path = "/api/secret") => {
	const res = await onOrigin(project, path);
	expect(res.status).toBe(200);
	return (await res.json()) as { value: string | null; other: string | null; db: string };
};

describe("a secret, from the owner to the server", () => {
	it("is read as env.NAME, changed and read again on the next request, latest and pinned, then deleted", async () => {
		const app = await withServer(SECRET_APP);
		const p = app.project;
		expect(await readSecret(p)).toEqual({ value: null, other: null, db: "function" });
		// Warm both the latest's and v1's sandboxes before any secret exists.
		expect((await readSecret(p, "/v/1/api/secret")).value).toBeNull();

		await setSecret(p, "API_KEY", "first-value-123", app.token);
		expect((await readSecret(p)).value).toBe("first-value-123");
		expect((await readSecret(p, "/v/1/api/secret")).value).toBe("first-value-123");

		await setSecret(p, "API_KEY", "second-value-456", app.token);
		await setSecret(p, "OTHER", "x", app.token);
		expect(await readSecret(p)).toEqual({ value: "second-value-456", other: "x", db: "function" });
		expect((await readSecret(p, "/v/1/api/secret")).value).toBe("second-value-456");

		// A new version reads the project's secrets too.
		const v2 = await withServer(SECRET_APP.replace("/api/secret", "/api/secret2"), { project: p, token: app.token });
		expect(v2.version).toBe(2);
		expect((await readSecret(p, "/api/secret2")).value).toBe("second-value-456");

		const listed = await secretNames(p, app.token);
		expect(listed.max).toBe(MAX_SECRETS_PER_PROJECT);
		expect(listed.secrets.map((s) => s.name)).toEqual(["API_KEY", "OTHER"]);
		expect(Object.keys(listed.secrets[0]).sort()).toEqual(["name", "readable", "updatedAt"]);
		expect(listed.secrets.map((s) => s.readable)).toEqual([true, true]);

		const del = await call(`/api/projects/${p}/secrets/API_KEY`, { method: "DELETE", headers: bearer(app.token) });
		expect(del.status).toBe(204);
		expect(await readSecret(p, "/api/secret2")).toMatchObject({ value: null, other: "x" });
		expect((await readSecret(p, "/v/1/api/secret")).value).toBeNull();
		expect((await secretNames(p, app.token)).secrets.map((s) => s.name)).toEqual(["OTHER"]);
	});

	it("is in no remix: the copy's server runs without it, and the copy lists none", async () => {
		const app = await withServer(SECRET_APP);
		await setSecret(app.project, "API_KEY", "not-for-remixes-789", app.token);
		const res = await call(`/api/projects/${app.project}/remix`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(res.status).toBe(201);
		const remixed = (await res.json()) as { project: string; editToken: string };
		expect((await readSecret(remixed.project)).value).toBeNull();
		expect((await secretNames(remixed.project, remixed.editToken)).secrets).toEqual([]);
		expect((await secretsState(remixed.project)).rows).toBe(0);
		// The original keeps it.
		expect((await readSecret(app.project)).value).toBe("not-for-remixes-789");
	});

	it("lets a server run without secrets where KILN_SECRETS_KEY is unset, and the API says why", async () => {
		const app = await withServer(SECRET_APP);
		await setSecret(app.project, "API_KEY", "needs-the-key-000", app.token);
		const noKey = { KILN_SECRETS_KEY: undefined, PROJECT_ORIGIN: "off" };
		const res = await callWithEnv(noKey, `/p/${app.project}/api/secret`);
		expect(res.status).toBe(200);
		expect(((await res.json()) as { value: string | null }).value).toBeNull();
		const err = await expectError(
			await callWithEnv(noKey, `/api/projects/${app.project}/secrets`, { headers: bearer(app.token) }),
			503,
			"secrets_unavailable",
		);
		expect(err.message).toMatch(/KILN_SECRETS_KEY/);
		expect(err.message).toMatch(/openssl rand -base64 32/);
	});
});

describe("a secret's value stays out of everything but the server's env", () => {
	const VALUE = "sk-live-VERY-secret-4f2a9c";
	const spies: ReturnType<typeof vi.spyOn>[] = [];
	afterEach(() => {
		for (const s of spies.splice(0)) s.mockRestore();
	});

	it("is in no response body or header, no log line of Kiln's, no version, and is sealed in D1", async () => {
		const lines: string[] = [];
		for (const level of ["log", "info", "warn", "error", "debug"] as const) {
			spies.push(vi.spyOn(console, level).mockImplementation((...args: unknown[]) => lines.push(args.join(" "))));
		}
		const responses: Response[] = [];
		const keep = async (res: Promise<Response> | Response) => {
			const r = await res;
			responses.push(r.clone());
			return r;
		};
		const app = await withServer(SECRET_APP);
		const thrower = await withServer(THROWING_APP);
		const p = app.project;
		await keep(putSecret(p, "API_KEY", VALUE, app.token));
		await keep(putSecret(thrower.project, "API_KEY", VALUE, thrower.token));
		for (const path of ["/api/print", "/api/fail", "/api/chatty", "/api/raw", "/v/1/api/print"])
			await keep(onOrigin(p, path));
		await keep(onOrigin(thrower.project, "/api/anything"));
		expect((await keep(onOrigin(p, "/api/fail"))).status).toBe(500);
		// The runtime's reports are in: the log has the failures and the printing.
		await logsWhen(p, app.token, (es) => es.filter(complete).length >= 6);
		await logsWhen(thrower.project, thrower.token, (es) => es.some((e) => e.errors.length > 0));
		for (const path of [
			`/api/projects/${p}/secrets`,
			`/api/projects/${p}/logs`,
			`/api/projects/${p}/logs?limit=200`,
			`/api/projects/${thrower.project}/logs`,
			`/api/projects/${p}/database`,
			`/api/projects/${p}/database?format=json`,
		]) {
			const token = path.includes(thrower.project) ? thrower.token : app.token;
			expect((await keep(call(path, { headers: bearer(token) }))).status).toBe(200);
		}
		await keep(call(`/api/projects/${p}`));
		await keep(call(`/api/projects/${p}/versions/1`));
		await keep(call(`/api/projects/${p}/remix`, { method: "POST", headers: { "content-type": "application/json" } }));
		await keep(onOrigin(p, "/"));
		await keep(onOrigin(p, "/v/1/"));

		// Kiln logged (the capture works), and the log is full of the app's output: never the value.
		expect(lines.some((l) => l.includes('"event":"generation"'))).toBe(true);
		for (const line of lines) expect(line).not.toContain(VALUE);
		expect(responses.length).toBeGreaterThan(15);
		for (const res of responses) {
			expect(await res.text()).not.toContain(VALUE);
			for (const [name, value] of res.headers) expect(`${name}: ${value}`).not.toContain(VALUE);
		}
		// At rest: D1 holds ciphertext only, and no version holds the value.
		const rows = await env.DB.prepare("SELECT * FROM project_secrets WHERE project_id = ?").bind(p).all();
		expect(rows.results).toHaveLength(1);
		expect(JSON.stringify(rows.results)).not.toContain(VALUE);
		const versions = await env.DB.prepare("SELECT * FROM versions WHERE project_id = ?").bind(p).all();
		expect(JSON.stringify(versions.results)).not.toContain(VALUE);
	});
});

describe("sealing", () => {
	it("opens only under the same key, for the same project and name", async () => {
		const state = await secretsKey(env.KILN_SECRETS_KEY);
		if (!state.ok) throw new Error(state.message);
		const sealed = await encryptSecret(state.key, "proja", "API_KEY", "v");
		expect(await decryptSecret(state.key, "proja", "API_KEY", sealed)).toBe("v");
		expect(await encryptSecret(state.key, "proja", "API_KEY", "v")).not.toBe(sealed); // a fresh IV each time
		expect(await decryptSecret(state.key, "projb", "API_KEY", sealed)).toBeNull();
		expect(await decryptSecret(state.key, "proja", "OTHER", sealed)).toBeNull();
		const other = await secretsKey(btoa("another key of exactly 32 bytes!"));
		if (!other.ok) throw new Error(other.message);
		expect(other.key.id).not.toBe(state.key.id);
		expect(await decryptSecret(other.key, "proja", "API_KEY", sealed)).toBeNull();
		expect(await secretsKey(btoa("too short"))).toMatchObject({ ok: false });
		expect(await secretsKey("not base64 at all!")).toMatchObject({ ok: false });
		expect(await secretsKey(undefined)).toMatchObject({ ok: false });
	});

	it("reads a sandbox's values only from a copy that has its revision (a lagging replica is passed over)", async () => {
		const app = await withServer(SECRET_APP);
		await setSecret(app.project, "API_KEY", "revision-one", app.token);
		const db = createDb(env.DB);
		const sealed = await listSealedSecretsSince(db, app.project, 1);
		expect(sealed?.map((s) => s.name)).toEqual(["API_KEY"]);
		// A copy that has not seen revision 2 yet answers nothing, so RequestDb.find asks the primary.
		expect(await listSealedSecretsSince(db, app.project, 2)).toBeNull();
		expect(await listSealedSecretsSince(db, "nosuchproject1", 0)).toBeNull();
		const none = await withServer(SECRET_APP);
		expect(await listSealedSecretsSince(db, none.project, 0)).toEqual([]);
	});

	it("runs the server without a secret sealed under another key (the operator changed KILN_SECRETS_KEY)", async () => {
		const app = await withServer(SECRET_APP);
		await setSecret(app.project, "API_KEY", "sealed-under-old-key", app.token);
		const newKey = { KILN_SECRETS_KEY: btoa("another key of exactly 32 bytes!"), PROJECT_ORIGIN: "off" };
		const res = await callWithEnv(newKey, `/p/${app.project}/api/secret`);
		expect(((await res.json()) as { value: string | null }).value).toBeNull();
	});
});

describe("a secret sealed under another key", () => {
	const KEY_B = btoa("another key of exactly 32 bytes!");
	const list = async (project: string, token: string, key: string | undefined) => {
		const res = await callWithEnv({ KILN_SECRETS_KEY: key }, `/api/projects/${project}/secrets`, {
			headers: bearer(token),
		});
		const text = await res.text();
		expect(res.status, text).toBe(200);
		return { text, body: JSON.parse(text) as SecretsJson };
	};

	it("is listed as not readable under the new key, readable under the one it was sealed with, never with its value", async () => {
		const app = await withServer(SECRET_APP);
		const p = app.project;
		await setSecret(p, "API_KEY", "sealed-under-key-a", app.token);
		await setSecret(p, "OTHER", "also-under-key-a", app.token);
		const before = await secretsState(p);

		const underB = await list(p, app.token, KEY_B);
		expect(underB.body.secrets.map((s) => [s.name, s.readable])).toEqual([
			["API_KEY", false],
			["OTHER", false],
		]);
		const underA = await list(p, app.token, env.KILN_SECRETS_KEY);
		expect(underA.body.secrets.map((s) => [s.name, s.readable])).toEqual([
			["API_KEY", true],
			["OTHER", true],
		]);
		// Set again under the new key, OTHER opens under it (and no longer under the old one).
		const again = await callWithEnv({ KILN_SECRETS_KEY: KEY_B }, `/api/projects/${p}/secrets/OTHER`, {
			method: "PUT",
			headers: { "content-type": "application/json", ...bearer(app.token) },
			body: JSON.stringify({ value: "set-again-under-b" }),
		});
		expect(again.status).toBe(200);
		expect((await list(p, app.token, KEY_B)).body.secrets.map((s) => [s.name, s.readable])).toEqual([
			["API_KEY", false],
			["OTHER", true],
		]);
		expect((await list(p, app.token, env.KILN_SECRETS_KEY)).body.secrets.map((s) => s.readable)).toEqual([true, false]);

		// Listing only reads: nothing written by the two lists before the PUT; and no value, sealed or open.
		expect((await secretsState(p)).rows).toBe(before.rows);
		const sealed = await env.DB.prepare("SELECT value FROM project_secrets WHERE project_id = ?").bind(p).all();
		for (const { text } of [underA, underB]) {
			for (const secret of JSON.parse(text).secrets)
				expect(Object.keys(secret).sort()).toEqual(["name", "readable", "updatedAt"]);
			expect(text).not.toContain("sealed-under-key-a");
			expect(text).not.toContain("also-under-key-a");
			for (const row of sealed.results as { value: string }[]) expect(text).not.toContain(row.value);
		}
	});
});

describe("refused: a JSON error, and nothing written", () => {
	async function refused(res: Promise<Response> | Response, project: string, status: number, code: string) {
		const before = await secretsState(project);
		const err = await expectError(await res, status, code);
		expect(await secretsState(project)).toEqual(before);
		return err;
	}

	it("refuses bad names", async () => {
		const app = await withServer(SECRET_APP);
		await setSecret(app.project, "KEEP", "kept-value", app.token);
		const before = await secretsState(app.project);
		expect(before).toEqual({ rows: 1, revision: 1 });
		for (const name of [
			"api_key",
			"1KEY",
			"_KEY",
			"A-B",
			`A${"B".repeat(64)}`,
			"DB",
			"KILN_TOKEN",
			"KILN_",
			"%C3%89T%C3%89",
		]) {
			const err = await refused(putSecret(app.project, name, "v", app.token), app.project, 400, "invalid_secret_name");
			expect(err.message.length).toBeGreaterThan(10);
			await refused(
				call(`/api/projects/${app.project}/secrets/${name}`, { method: "DELETE", headers: bearer(app.token) }),
				app.project,
				400,
				"invalid_secret_name",
			);
		}
		expect(await secretsState(app.project)).toEqual(before);
	});

	it("refuses oversize, empty and malformed values", async () => {
		const app = await withServer(SECRET_APP);
		const p = app.project;
		const max = "é".repeat(MAX_SECRET_BYTES / 2);
		await setSecret(p, "BIG", max, app.token); // exactly the limit, in bytes
		const state = await secretsState(p);
		await refused(putSecret(p, "BIG", `${max}a`, app.token), p, 413, "secret_too_large");
		await refused(putSecret(p, "HUGE", "x".repeat(200_000), app.token), p, 413, "secret_too_large");
		await refused(putSecret(p, "EMPTY", "", app.token), p, 400, "invalid_secret_value");
		await refused(putSecret(p, "NUM", 42, app.token), p, 400, "invalid_request");
		const raw = (body: string, type = "application/json") =>
			call(`/api/projects/${p}/secrets/RAW`, {
				method: "PUT",
				headers: { "content-type": type, ...bearer(app.token) },
				body,
			});
		await refused(raw('{"value":"v","extra":1}'), p, 400, "invalid_request");
		await refused(raw("not json"), p, 400, "invalid_json");
		await refused(raw(""), p, 400, "invalid_json");
		await refused(raw('{"value":"v"}', "text/plain"), p, 415, "unsupported_media_type");
		expect(await secretsState(p)).toEqual(state);
	});

	it("refuses a secret past the count, but replacing one always works", async () => {
		const app = await withServer(SECRET_APP);
		const p = app.project;
		for (let i = 0; i < MAX_SECRETS_PER_PROJECT; i++) await setSecret(p, `S${i}`, `value-${i}`, app.token);
		const err = await refused(putSecret(p, "ONE_MORE", "v", app.token), p, 409, "too_many_secrets");
		expect(err.message).toContain(String(MAX_SECRETS_PER_PROJECT));
		await setSecret(p, "S0", "replaced", app.token);
		expect((await secretsState(p)).rows).toBe(MAX_SECRETS_PER_PROJECT);
	});

	it("refuses a missing or wrong token, an unknown project or secret, a bad id, and no key", async () => {
		const app = await withServer(SECRET_APP);
		const other = await withServer(SECRET_APP);
		const p = app.project;
		await setSecret(p, "KEEP", "kept-value", app.token);
		const url = `/api/projects/${p}/secrets`;
		const put = (headers: Record<string, string>) =>
			call(`${url}/NEW`, {
				method: "PUT",
				headers: { "content-type": "application/json", ...headers },
				body: '{"value":"v"}',
			});
		await refused(put({}), p, 401, "edit_token_required");
		await refused(put(bearer(other.token)), p, 403, "invalid_edit_token");
		await refused(put(bearer("kiln_not_a_token")), p, 403, "invalid_edit_token");
		await refused(call(url), p, 401, "edit_token_required");
		await refused(call(url, { headers: bearer(other.token) }), p, 403, "invalid_edit_token");
		await refused(call(`${url}/KEEP`, { method: "DELETE" }), p, 401, "edit_token_required");
		await refused(
			call(`${url}/KEEP`, { method: "DELETE", headers: bearer(other.token) }),
			p,
			403,
			"invalid_edit_token",
		);
		await refused(call(`${url}/NOPE`, { method: "DELETE", headers: bearer(app.token) }), p, 404, "secret_not_found");
		await refused(putSecret("nosuchproject1", "A", "v", app.token), p, 404, "project_not_found");
		await refused(putSecret("Bad-Id!", "A", "v", app.token), p, 400, "invalid_project_id");
		const noKey = { KILN_SECRETS_KEY: undefined };
		const init = {
			method: "PUT",
			headers: { "content-type": "application/json", ...bearer(app.token) },
			body: '{"value":"v"}',
		};
		await refused(callWithEnv(noKey, `${url}/NEW`, init), p, 503, "secrets_unavailable");
		await refused(callWithEnv({ KILN_SECRETS_KEY: "c2hvcnQ=" }, `${url}/NEW`, init), p, 503, "secrets_unavailable");
		await refused(
			callWithEnv(noKey, `${url}/KEEP`, { method: "DELETE", headers: bearer(app.token) }),
			p,
			503,
			"secrets_unavailable",
		);
		expect((await secretNames(p, app.token)).secrets.map((s) => s.name)).toEqual(["KEEP"]);
	});
});
