import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import {
	createProject,
	getProject,
	getVersion,
	insertNextVersion,
	listVersions,
	type NewVersion,
} from "../../src/db/projects";
import { sha256Hex } from "../../src/shared/hash";

const db = createDb(env.DB);

async function version(code: string, prompt = "make it"): Promise<NewVersion> {
	return { prompt, code, contentHash: await sha256Hex(code), provider: "test", model: "fake" };
}

async function newProject(id: string) {
	return createProject(db, {
		id,
		title: "A test",
		editTokenHash: await sha256Hex(`token-${id}`),
		firstVersion: await version("<p>v1</p>", "first"),
	});
}

async function count(table: string): Promise<number> {
	const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
	return row?.n ?? -1;
}

describe("createProject", () => {
	it("writes the project and its version 1 together", async () => {
		const p = await newProject("alpha1");
		expect(p).toMatchObject({ id: "alpha1", title: "A test", remixedFromProject: null });
		expect(typeof p.createdAt).toBe("number");
		const v1 = await getVersion(db, "alpha1", 1);
		expect(v1).toMatchObject({ number: 1, parentNumber: null, prompt: "first", code: "<p>v1</p>" });
		expect(v1?.contentHash).toBe(await sha256Hex("<p>v1</p>"));
	});

	it("records remix lineage", async () => {
		await newProject("origin1");
		const remix = await createProject(db, {
			id: "remix1",
			editTokenHash: "x",
			remixedFromProject: "origin1",
			remixedFromVersion: 1,
			firstVersion: await version("<p>copy</p>"),
		});
		expect(remix).toMatchObject({ remixedFromProject: "origin1", remixedFromVersion: 1 });
	});

	it("writes nothing when the id is taken (the batch is atomic)", async () => {
		await newProject("taken1");
		const before = await count("versions");
		await expect(newProject("taken1")).rejects.toThrow();
		expect(await count("versions")).toBe(before);
	});
});

describe("insertNextVersion", () => {
	it("numbers versions 2, 3, ... with the given parent", async () => {
		await newProject("beta1");
		expect(await insertNextVersion(db, "beta1", 1, await version("<p>v2</p>"))).toBe(2);
		expect(await insertNextVersion(db, "beta1", 1, await version("<p>v3</p>"))).toBe(3);
		const v3 = await getVersion(db, "beta1", 3);
		expect(v3).toMatchObject({ number: 3, parentNumber: 1, code: "<p>v3</p>" });
	});

	it("stores stats as JSON and reads them back", async () => {
		await newProject("stats1");
		const stats = { ttftMs: 12, durationMs: 340, outputTokens: 99, tokensPerSecond: 291.2 };
		const n = await insertNextVersion(db, "stats1", 1, { ...(await version("<p/>")), stats });
		expect((await getVersion(db, "stats1", n ?? 0))?.stats).toEqual(stats);
	});

	it("returns null and writes nothing for an unknown project", async () => {
		const before = await count("versions");
		expect(await insertNextVersion(db, "nope00", null, await version("x"))).toBeNull();
		expect(await count("versions")).toBe(before);
	});

	it("returns null and writes nothing for a parent version the project lacks", async () => {
		await newProject("gamma1");
		const before = await count("versions");
		expect(await insertNextVersion(db, "gamma1", 7, await version("x"))).toBeNull();
		expect(await count("versions")).toBe(before);
	});

	it("gives 50 concurrent callers 50 distinct, contiguous numbers", async () => {
		await newProject("busy01");
		const v = await version("<p>same</p>");
		const numbers = await Promise.all(Array.from({ length: 50 }, () => insertNextVersion(db, "busy01", 1, v)));
		expect(numbers.every((n) => typeof n === "number")).toBe(true);
		expect([...(numbers as number[])].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
		const listed = await listVersions(db, "busy01");
		expect(listed.map((r) => r.number)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
	});

	it("is backed by a unique (project, number) index", async () => {
		await newProject("uniq01");
		await expect(
			env.DB.prepare(
				"INSERT INTO versions (project_id, number, prompt, code, content_hash) VALUES ('uniq01', 1, 'p', 'c', 'h')",
			).run(),
		).rejects.toThrow(/UNIQUE/);
	});
});

describe("getVersion and listVersions", () => {
	it("gets the latest or a numbered version, and null for what is missing", async () => {
		await newProject("delta1");
		await insertNextVersion(db, "delta1", 1, await version("<p>v2</p>"));
		expect((await getVersion(db, "delta1", "latest"))?.number).toBe(2);
		expect((await getVersion(db, "delta1", 1))?.code).toBe("<p>v1</p>");
		expect(await getVersion(db, "delta1", 3)).toBeNull();
		expect(await getVersion(db, "nope00", "latest")).toBeNull();
	});

	it("lists versions oldest first without their code", async () => {
		await newProject("eps001");
		await insertNextVersion(db, "eps001", 1, await version("<p>v2</p>", "second"));
		const list = await listVersions(db, "eps001");
		expect(list.map((v) => [v.number, v.parentNumber, v.prompt])).toEqual([
			[1, null, "first"],
			[2, 1, "second"],
		]);
		expect(list[0]).not.toHaveProperty("code");
		expect(await listVersions(db, "nope00")).toEqual([]);
	});

	it("getProject returns null for an unknown id", async () => {
		expect(await getProject(db, "nope00")).toBeNull();
		expect((await newProject("zeta01")).id).toBe("zeta01");
		expect((await getProject(db, "zeta01"))?.title).toBe("A test");
	});
});
