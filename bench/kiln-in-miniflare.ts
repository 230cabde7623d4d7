/**
 * Kiln's three Workers in one Miniflare, from the same bundles and
 * wrangler.toml settings a deploy uses, with no `wrangler dev` in front:
 * requests go client -> web (gateway) -> service binding -> codegen, as in
 * production. `wrangler dev` adds its own proxy Worker in a second workerd
 * process on every request (about 10 ms a round trip on this machine), which
 * is a tool of local development, not a part of Kiln; benches report both.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { repoRoot as root, testMigrations } from "../test/migrations.ts";
import { bundleModules, bundleWorker } from "../test/worker-bundles.ts";

const buildDir = path.join(root, ".wrangler/bench-build");

/** wrangler hands back options in Miniflare's v4 shape, hence V4WorkerOptions and the conversion below. */
function worker(
	config: string,
	name: string,
	bindings: Record<string, string>,
	extra: Partial<V4WorkerOptions> = {},
): V4WorkerOptions {
	const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, config));
	const out = path.join(buildDir, name);
	bundleWorker(config, out);
	const modules = bundleModules(out);
	const options: V4WorkerOptions = {
		...workerOptions,
		name,
		modules,
		modulesRoot: path.dirname(modules[0].path),
		// Omit<> over the v4 shape's index signature loses the named keys: bindings comes back as unknown.
		bindings: { ...(workerOptions.bindings as V4WorkerOptions["bindings"]), ...bindings },
		// Its own port too, to measure a Worker without the gateway in front.
		unsafeDirectSockets: [{}],
	};
	return Object.assign(options, extra);
}

/**
 * Starts the three Workers on one fresh in-memory D1 with every migration
 * applied; `settings` reach codegen and notion. `port` is the gateway's;
 * `directUrl("kiln-notion")` reaches one Worker with nothing in front.
 * `codegen` replaces options of the codegen Worker (e.g. roomier rate limits for load).
 */
export async function startKilnInMiniflare(
	settings: Record<string, string>,
	opts: { codegen?: Partial<V4WorkerOptions> } = {},
) {
	// The web Worker's bundle needs its assets directory to exist (as `npm run deploy -- --dry-run` makes it).
	mkdirSync(path.join(root, "dist/spa"), { recursive: true });
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			workers: [
				worker("wrangler.toml", "kiln-web", {}),
				worker("workers/codegen/wrangler.toml", "kiln-codegen", settings, opts.codegen),
				worker("workers/notion/wrangler.toml", "kiln-notion", settings),
			],
		}),
	);
	const url = await mf.ready;
	const db = await mf.getD1Database("DB");
	for (const migration of await testMigrations()) {
		for (const query of migration.queries) await db.prepare(query).run();
	}
	return {
		port: Number(url.port),
		directUrl: async (name: string) => (await mf.unsafeGetDirectURL(name)).origin,
		dispose: () => mf.dispose(),
	};
}
