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
