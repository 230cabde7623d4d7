/**
 * Tables Kiln's code no longer uses but whose DROP has not shipped yet, for
 * drizzle-kit only (drizzle.config.ts lists this file after schema.ts).
 * Nothing imports it: the code's one schema is schema.ts, and that is what
 * the gate reads as "declared".
 *
 * Why keep them here: the table is still in the database once the
 * migrations have run, so drizzle-kit's model must still have it, or
 * `npm run db:generate` would write its DROP into the next migration,
 * whatever that migration is for, and the gate would then block every
 * deploy. The DROP ships in a migration of its own, in a later release
 * (expand, migrate, contract): delete the table here, run
 * `npm run db:generate -- --name drop_<table>`, and gate it (src/gate/README.md,
 * "The app_data table").
 */
import { sql } from "drizzle-orm";
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { projects } from "./schema";

/**
 * Where the apps' JSON documents lived until issue 14 moved them into each
 * project's own database. Emptied by the carry-over release; `npm run deploy`
 * refuses a release without it while rows remain.
 */
export const appData = sqliteTable(
	"app_data",
	{
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		collection: text("collection").notNull(),
		key: text("key").notNull(),
		value: text("value").notNull(),
		updatedAt: integer("updated_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.collection, t.key] })],
);
