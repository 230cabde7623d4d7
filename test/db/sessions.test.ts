/**
 * openSession (src/db/client.ts): Drizzle over a D1 session, against the local
 * D1, which implements `withSession` and returns real bookmarks (it has no
 * replicas: every session reads the one local copy, so what a replica would
 * answer is not shown here).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type D1Queries, openSession } from "../../src/db/client";
import { createProject, getProject, getVersion, insertNextVersion, listVersions } from "../../src/db/projects";
import { isBookmark, newerBookmark } from "../../src/shared/bookmark";
import { sha256Hex } from "../../src/shared/hash";

async function firstVersion(code: string) {
	return { prompt: "p", code, contentHash: await sha256Hex(code) };
}

/** env.DB, recording what `withSession` is asked for. */
function recording() {
	const starts: (string | undefined)[] = [];
	const d1 = new Proxy(env.DB, {
		get(target, prop) {
			if (prop === "withSession") {
				return (start?: string) => {
					starts.push(start);
					return target.withSession(start);
				};
			}
			const v = Reflect.get(target, prop, target);
			return typeof v === "function" ? v.bind(target) : v;
		},
	});
	return { d1, starts };
}

describe("openSession", () => {
	it("runs every kind of query Kiln's Drizzle code sends: a batch, raw SQL, selects, a join", async () => {
		const { db } = openSession(env.DB, "first-primary");
		// createProject is a batch; insertNextVersion raw SQL through db.get; the rest selects.
		await createProject(db, { id: "sess01", editTokenHash: "h", firstVersion: await firstVersion("<p>1</p>") });
		expect(await insertNextVersion(db, "sess01", 1, await firstVersion("<p>2</p>"))).toBe(2);
		expect((await getProject(db, "sess01"))?.id).toBe("sess01");
		expect((await getVersion(db, "sess01", "latest"))?.code).toBe("<p>2</p>");
		expect((await listVersions(db, "sess01")).map((v) => v.number)).toEqual([1, 2]);
	});

	it("starts the session as asked: a constraint, or a bookmark as itself", async () => {
		const { d1, starts } = recording();
		const primary = openSession(d1, "first-primary");
		await getProject(primary.db, "sess01");
		const bookmark = primary.bookmark() as string;
		expect(openSession(d1, "first-unconstrained").start).toBe("first-unconstrained");
		expect(openSession(d1, { bookmark }).start).toEqual({ bookmark });
		expect(starts).toEqual(["first-primary", "first-unconstrained", bookmark]);
	});

	it("has no bookmark before its first query, and one after", async () => {
		const s = openSession(env.DB, "first-unconstrained");
		expect(s.bookmark()).toBeNull();
		await getProject(s.db, "nope00");
		expect(isBookmark(s.bookmark())).toBe(true);
	});

	it("a write moves the bookmark on; a session started from it sees the write and answers a bookmark no older", async () => {
		const writer = openSession(env.DB, "first-primary");
		await getProject(writer.db, "sess02");
		const beforeWrite = writer.bookmark() as string;
		await createProject(writer.db, { id: "sess02", editTokenHash: "h", firstVersion: await firstVersion("<p/>") });
		const afterWrite = writer.bookmark() as string;
		expect(isBookmark(afterWrite)).toBe(true);
		expect(afterWrite > beforeWrite).toBe(true);

		const reader = openSession(env.DB, { bookmark: afterWrite });
		expect((await getProject(reader.db, "sess02"))?.id).toBe("sess02");
		expect((reader.bookmark() as string) >= afterWrite).toBe(true);
	});

	it("passes every statement through `wrap` (how the codegen Worker counts them)", async () => {
		let seen = 0;
		const wrap = (q: D1Queries): D1Queries => ({
			prepare: (sql) => {
				seen++;
				return q.prepare(sql);
			},
			batch: (statements) => q.batch(statements),
		});
		const { db } = openSession(env.DB, "first-unconstrained", wrap);
		await getProject(db, "sess01");
		await listVersions(db, "sess01");
		expect(seen).toBe(2);
	});
});

describe("bookmarks (src/shared/bookmark.ts)", () => {
	it("accepts the local D1's bookmarks and the deployed form from D1's docs, and nothing else", () => {
		expect(isBookmark("00000000-00000004-00000000-00000000000000000000000000000000")).toBe(true);
		expect(
			isBookmark("00000085-0000024c-00004c6d-8e611177d83f7fb2f0396d0847be2cc62eaa94debb2f65eae0a58c44c4cf6a74"),
		).toBe(true);
		for (const bad of [
			"",
			"garbage",
			"first-primary",
			"first-unconstrained",
			"00000085-0000024C-00004c6d-8e611177d83f7fb2f0396d0847be2cc6", // uppercase: would not sort
			"00000085-0000024c-00004c6d-8e61", // hash too short
			"0085-0000024c-00004c6d-8e611177d83f7fb2f0396d0847be2cc6",
			" 00000000-00000004-00000000-00000000000000000000000000000000",
			"00000000-00000004-00000000-00000000000000000000000000000000\n",
			`00000000-00000004-00000000-${"0".repeat(129)}`,
			null,
			42,
		]) {
			expect(isBookmark(bad), String(bad)).toBe(false);
		}
	});

	it("picks the newer of two (they sort oldest to newest as strings)", () => {
		const older = "00000000-00000004-00000000-00000000000000000000000000000000";
		const newer = "00000000-0000000a-00000000-00000000000000000000000000000000";
		expect(newerBookmark(older, newer)).toBe(newer);
		expect(newerBookmark(newer, older)).toBe(newer);
		expect(newerBookmark(null, older)).toBe(older);
		expect(newerBookmark(older, undefined)).toBe(older);
		expect(newerBookmark(null, null)).toBeNull();
	});
});
