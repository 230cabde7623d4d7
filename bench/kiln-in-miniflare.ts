/**
 * Kiln's three Workers in one Miniflare, from the same bundles and
 * wrangler.toml settings a deploy uses, with no `wrangler dev` in front:
 * requests go client -> web (gateway) -> service binding -> codegen, as in
 * production. `wrangler dev` adds its own proxy Worker in a second workerd
 * process on every request (about 10 ms a round trip on this machine), which
 * is a tool of local development, not a part of Kiln; benches report both.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { convertV4MiniflareOptions, Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = path.resolve(import.meta.dirname, "..");
const buildDir = path.join(root, ".wrangler/bench-build");

/** Bundles a Worker as `wrangler deploy` would, and returns its files as Miniflare modules. */
function bundle(config: string, name: string) {
	const out = path.join(buildDir, name);
	execFileSync(path.join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out, "-c", config], {
		cwd: root,
		stdio: "pipe",
	});
	return readdirSync(out)
		.filter((f) => f.endsWith(".js") || f.endsWith(".html"))
		.sort((a, b) => (a === "index.js" ? -1 : b === "index.js" ? 1 : a.localeCompare(b)))
		.map((f) => ({ type: f.endsWith(".js") ? ("ESModule" as const) : ("Text" as const), path: path.join(out, f) }));
}

function worker(config: string, name: string, bindings: Record<string, string>): WorkerOptions {
	const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, config));
	const modules = bundle(config, name);
	return {
		...(workerOptions as WorkerOptions),
		name,
		modules,
		modulesRoot: path.dirname(modules[0].path),
		bindings: { ...workerOptions.bindings, ...bindings },
		// Its own port too, to measure a Worker without the gateway in front.
		unsafeDirectSockets: [{}],
	} as WorkerOptions;
}

/**
 * Starts the three Workers on one fresh in-memory D1 with every migration
 * applied; `settings` reach codegen and notion. `port` is the gateway's;
 * `directUrl("kiln-notion")` reaches one Worker with nothing in front.
 */
export async function startKilnInMiniflare(settings: Record<string, string>) {
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			workers: [
				worker("wrangler.toml", "kiln-web", {}),
				worker("workers/codegen/wrangler.toml", "kiln-codegen", settings),
				worker("workers/notion/wrangler.toml", "kiln-notion", settings),
			],
		}),
	);
	const url = await mf.ready;
	const db = await mf.getD1Database("DB");
	const dir = path.join(root, "migrations");
	for (const file of readdirSync(dir)
		.filter((f) => f.endsWith(".sql"))
		.sort()) {
		for (const stmt of readFileSync(path.join(dir, file), "utf8").split("--> statement-breakpoint")) {
			if (stmt.trim()) await db.prepare(stmt).run();
		}
	}
	return {
		port: Number(url.port),
		directUrl: async (name: string) => (await mf.unsafeGetDirectURL(name)).origin,
		dispose: () => mf.dispose(),
	};
}
