// A stand-in for wrangler on the deploy's PATH (see fakeWrangler in helpers.ts):
// the deploy's real runs call it instead of Cloudflare. It appends each call to
// $FAKE_WRANGLER_LOG as one JSON line ({ args, migrations? }) and answers:
// - `d1 execute ... --json --command <sql>`: the remote database has applied the
//   migrations named in $FAKE_WRANGLER_APPLIED (comma-separated; none when empty),
//   and its app_data table holds $FAKE_WRANGLER_APP_DATA rows (no such table when empty);
//   $FAKE_WRANGLER_D1_ERROR makes it fail the way wrangler does with --json;
// - `d1 migrations apply`: records which .sql files the folder held (what the
//   real one would apply on a fresh database);
// - anything else (queues, deploy): succeeds.
import { appendFileSync, readdirSync } from "node:fs";

const args = process.argv.slice(2);
const call = { args };
if (args[0] === "d1" && args[1] === "migrations" && args[2] === "apply") {
	call.migrations = readdirSync("migrations")
		.filter((f) => f.endsWith(".sql"))
		.sort();
}
appendFileSync(process.env.FAKE_WRANGLER_LOG, `${JSON.stringify(call)}\n`);

if (args[0] === "d1" && args[1] === "execute") {
	if (process.env.FAKE_WRANGLER_D1_ERROR) {
		console.log(JSON.stringify({ error: { text: process.env.FAKE_WRANGLER_D1_ERROR } }, null, 2));
		process.exit(1);
	}
	const applied = (process.env.FAKE_WRANGLER_APPLIED ?? "").split(",").filter(Boolean);
	const sql = args[args.indexOf("--command") + 1] ?? "";
	const appData = process.env.FAKE_WRANGLER_APP_DATA ?? "";
	const results = sql.includes("app_data")
		? sql.includes("sqlite_master")
			? appData === ""
				? []
				: [{ name: "app_data" }]
			: [{ n: Number(appData) }]
		: sql.includes("sqlite_master")
			? applied.length
				? [{ name: "d1_migrations" }]
				: []
			: applied.map((name, i) => ({ id: i + 1, name }));
	console.log(JSON.stringify([{ results, success: true, meta: { duration: 0 } }], null, 2));
}
