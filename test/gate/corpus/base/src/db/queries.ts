import { and, asc, eq } from "drizzle-orm";
import type { Db } from "./client";
import { authors, feeds, notes, tags } from "./schema";

export async function createAuthor(db: Db, email: string, name: string) {
	const [a] = await db.insert(authors).values({ email, name }).returning();
	return a;
}

export async function getAuthor(db: Db, id: number) {
	return (await db.select().from(authors).where(eq(authors.id, id)).get()) ?? null;
}

export async function createNote(db: Db, authorId: number, title: string, body?: string) {
	const [n] = await db.insert(notes).values({ authorId, title, body }).returning();
	return n;
}

export async function getNote(db: Db, id: number) {
	return (await db.select().from(notes).where(eq(notes.id, id)).get()) ?? null;
}

export async function listNotes(db: Db, authorId: number) {
	return db.select().from(notes).where(eq(notes.authorId, authorId)).orderBy(asc(notes.id)).all();
}

export async function publish(db: Db, id: number) {
	await db.update(notes).set({ status: "published" }).where(eq(notes.id, id));
}

export async function tag(db: Db, noteId: number, label: string) {
	await db.insert(tags).values({ noteId, label }).onConflictDoNothing();
}

export async function labels(db: Db, noteId: number) {
	const rows = await db
		.select({ label: tags.label })
		.from(tags)
		.where(eq(tags.noteId, noteId))
		.orderBy(asc(tags.label))
		.all();
	return rows.map((r) => r.label);
}

export async function addFeed(db: Db, url: string, title?: string) {
	const [f] = await db.insert(feeds).values({ url, title }).returning();
	return f;
}

export async function pauseFeed(db: Db, id: number) {
	await db
		.update(feeds)
		.set({ state: "paused" })
		.where(and(eq(feeds.id, id), eq(feeds.state, "active")));
}
