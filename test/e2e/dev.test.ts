import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { type DevServer, d1Execute, newStateDir, processesUsing, startDev } from "./dev-server.ts";

describe("npm run dev", () => {
	const stateDir = newStateDir();
	let dev: DevServer | undefined;
	afterAll(() => dev?.stop());

	it("serves /healthz 200 with every part ok", async () => {
		dev = await startDev({ stateDir });
		const res = await fetch(`${dev.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, parts: { codegen: "ok", notion: "ok", d1: "ok" } });
	});

	it("answers an unknown path with a JSON 404 from the gateway", async () => {
		const res = await fetch(`${dev?.url}/definitely/not/here`);
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: { code: "not_found", message: "Nothing at /definitely/not/here." } });
	});

	it("answers only requests addressed to loopback names: another Host (DNS rebinding) is a JSON 403", async () => {
		const port = dev?.port as number;
		for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
			expect((await withHost(port, host, "/healthz")).status, host).toBe(200);
		}
		// A project origin is a *.localhost name: let through to codegen (which knows no such project).
		expect((await withHost(port, `nosuch1.localhost:${port}`, "/")).status).toBe(404);
		const rebound = await withHost(port, `evil.example:${port}`, "/api/config");
		expect(rebound.status).toBe(403);
		expect(JSON.parse(rebound.body)).toMatchObject({ error: { code: "host_not_allowed" } });
	});

	it("keeps the data of the first start in the second, and leaves no process behind", async () => {
		d1Execute(
			stateDir,
			"INSERT INTO projects (id, edit_token_hash) VALUES ('keepme1', 'x');" +
				"INSERT INTO versions (project_id, number, prompt, code, content_hash) VALUES ('keepme1', 1, 'p', '<p>kept</p>', 'h');",
		);
		expect((await fetch(`${dev?.url}/api/projects/keepme1`)).status).toBe(200);
		await dev?.stop();
		expect(processesUsing(stateDir)).toEqual([]);

		dev = await startDev({ stateDir });
		const res = await fetch(`${dev.url}/api/projects/keepme1/versions/1`);
		expect(res.status).toBe(200);
		expect(((await res.json()) as { version: { code: string } }).version.code).toBe("<p>kept</p>");
		await dev.stop();
		expect(processesUsing(stateDir)).toEqual([]);
	});
});

describe("npm run dev with KILN_DEV_HOSTS", () => {
	let dev: DevServer | undefined;
	afterAll(() => dev?.stop());

	it("also answers the names it adds, and still no other", async () => {
		dev = await startDev({ env: { KILN_DEV_HOSTS: "kiln.lan", KILN_SKIP_SPA_BUILD: "1" } });
		expect((await withHost(dev.port, `kiln.lan:${dev.port}`, "/healthz")).status).toBe(200);
		expect((await withHost(dev.port, `localhost:${dev.port}`, "/healthz")).status).toBe(200);
		expect((await withHost(dev.port, `evil.example:${dev.port}`, "/healthz")).status).toBe(403);
	});
});

/** A GET to the dev server on loopback, saying `Host: host` (what a browser sends for a rebound name). */
function withHost(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request({ host: "localhost", port, path, headers: { host } }, (res) => {
			let body = "";
			res.on("data", (d) => (body += d));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on("error", reject);
		req.end();
	});
}
