// The corpus's base application: what "the deployed release" declares.
import { sql } from "drizzle-orm";
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const authors = sqliteTable("authors", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	email: text("email").notNull(),
	name: text("name").notNull(),
	bio: text("bio"),
});

export const notes = sqliteTable("notes", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	authorId: integer("author_id")
		.notNull()
		.references(() => authors.id, { onDelete: "cascade" }),
	title: text("title").notNull(),
	body: text("body"),
	status: text("status").notNull().default("draft"),
	createdAt: integer("created_at").notNull().default(sql`(unixepoch())`),
});

export const tags = sqliteTable(
	"tags",
	{
		noteId: integer("note_id")
			.notNull()
			.references(() => notes.id, { onDelete: "cascade" }),
		label: text("label").notNull(),
	},
	(t) => [primaryKey({ columns: [t.noteId, t.label] })],
);

export const feeds = sqliteTable("feeds", {
	id: integer("id").primaryKey({ autoIncrement: true }),
	url: text("url").notNull(),
	title: text("title"),
	owner: integer("owner"),
	state: text("state").notNull().default("active"),
	priority: integer("priority").notNull().default(3),
	fetchedAt: integer("fetched_at"),
	addedAt: integer("added_at").notNull().default(sql`(unixepoch())`),
});
