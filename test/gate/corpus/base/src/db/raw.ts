// Hand-written SQL: what a Drizzle snapshot cannot see (layer 3 can).

/** Positional read of `SELECT *`: column order matters here. */
export async function feedUrlsRaw(d1: D1Database): Promise<{ id: number; url: string }[]> {
	const rows = await d1.prepare("SELECT * FROM feeds ORDER BY id").raw<[number, string]>();
	return rows.map((r) => ({ id: r[0], url: r[1] }));
}

/** Leaves `added_at` out: relies on the database default. */
export async function importFeedRaw(d1: D1Database, url: string): Promise<void> {
	await d1.prepare("INSERT INTO feeds (url, title) VALUES (?, ?)").bind(url, "imported").run();
}

/** avatar_url is not in the Drizzle schema; only this query knows it. */
export async function avatarOf(d1: D1Database, authorId: number): Promise<string | null> {
	const row = await d1
		.prepare("SELECT avatar_url FROM authors WHERE id = ?")
		.bind(authorId)
		.first<{ avatar_url: string | null }>();
	return row?.avatar_url ?? null;
}

export async function setAvatar(d1: D1Database, authorId: number, url: string): Promise<void> {
	await d1.prepare("UPDATE authors SET avatar_url = ? WHERE id = ?").bind(url, authorId).run();
}

/** audit_log is raw SQL only. */
export async function audit(d1: D1Database, what: string): Promise<void> {
	await d1.prepare("INSERT INTO audit_log (what) VALUES (?)").bind(what).run();
}

export async function auditCount(d1: D1Database): Promise<number> {
	return (await d1.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())?.n ?? 0;
}
