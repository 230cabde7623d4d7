import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import {
	addFeed,
	createAuthor,
	createNote,
	getAuthor,
	getNote,
	labels,
	listNotes,
	pauseFeed,
	publish,
	tag,
} from "../../src/db/queries";
import { audit, auditCount, avatarOf, feedUrlsRaw, importFeedRaw, setAvatar } from "../../src/db/raw";

const db = createDb(env.DB);

describe("authors", () => {
	it("creates and reads an author", async () => {
		const a = await createAuthor(db, "ada@example.com", "Ada");
		expect(await getAuthor(db, a.id)).toMatchObject({ email: "ada@example.com", name: "Ada", bio: null });
	});

	it("keeps an avatar through raw SQL", async () => {
		const a = await createAuthor(db, "bo@example.com", "Bo");
		await setAvatar(env.DB, a.id, "https://img.example/bo.png");
		expect(await avatarOf(env.DB, a.id)).toBe("https://img.example/bo.png");
	});
});

describe("notes", () => {
	it("writes a note with defaults and reads it back", async () => {
		const a = await createAuthor(db, "cy@example.com", "Cy");
		const n = await createNote(db, a.id, "Hello");
		expect(await getNote(db, n.id)).toMatchObject({ title: "Hello", body: null, status: "draft" });
		expect(typeof n.createdAt).toBe("number");
	});

	it("lists an author's notes in order and publishes one", async () => {
		const a = await createAuthor(db, "di@example.com", "Di");
		const n1 = await createNote(db, a.id, "one", "first body");
		await createNote(db, a.id, "two");
		await publish(db, n1.id);
		const list = await listNotes(db, a.id);
		expect(list.map((n) => [n.title, n.status])).toEqual([
			["one", "published"],
			["two", "draft"],
		]);
	});

	it("tags a note once per label", async () => {
		const a = await createAuthor(db, "ed@example.com", "Ed");
		const n = await createNote(db, a.id, "tagged");
		await tag(db, n.id, "work");
		await tag(db, n.id, "work");
		await tag(db, n.id, "home");
		expect(await labels(db, n.id)).toEqual(["home", "work"]);
	});

	it("lets two notes share a title", async () => {
		const a = await createAuthor(db, "fa@example.com", "Fa");
		await createNote(db, a.id, "Same");
		await createNote(db, a.id, "Same");
		expect((await listNotes(db, a.id)).length).toBe(2);
	});
});

describe("feeds", () => {
	it("adds, pauses and lists feeds", async () => {
		const f = await addFeed(db, "https://a.example/feed");
		await pauseFeed(db, f.id);
		expect(f).toMatchObject({ url: "https://a.example/feed", title: null, state: "active", priority: 3 });
		const urls = await feedUrlsRaw(env.DB);
		expect(urls.find((u) => u.id === f.id)?.url).toBe("https://a.example/feed");
	});

	it("imports a feed with raw SQL", async () => {
		await importFeedRaw(env.DB, "http://b.example/rss");
		expect((await feedUrlsRaw(env.DB)).some((u) => u.url === "http://b.example/rss")).toBe(true);
	});

	it("allows two feeds with the same url", async () => {
		await addFeed(db, "https://dup.example/feed");
		await addFeed(db, "https://dup.example/feed");
		expect((await feedUrlsRaw(env.DB)).filter((u) => u.url === "https://dup.example/feed").length).toBe(2);
	});
});

describe("audit log", () => {
	it("records events", async () => {
		const before = await auditCount(env.DB);
		await audit(env.DB, "login");
		expect(await auditCount(env.DB)).toBe(before + 1);
	});
});
