import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** A Drizzle handle on Kiln's D1 database (`$client`: the D1 binding under it). Query functions take this, never `Env`. */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/** Wraps a D1 binding (or a D1 session) in Drizzle with Kiln's schema. */
export function createDb(d1: D1Database): Db {
	return drizzle(d1, { schema });
}
