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
	bundle = true,
): V4WorkerOptions {
	const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, config));
	const out = path.join(buildDir, name);
	if (bundle) bundleWorker(config, out);
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

export interface KilnInMiniflareOptions {
	/** Replaces options of the codegen Worker (e.g. roomier rate limits for load). */
	codegen?: Partial<V4WorkerOptions>;
	/**
	 * Keep D1, the Durable Objects and the caches in this folder, so that a new
	 * start on it (after a crash, say) finds them; default: in memory. Miniflare's
	 * queues are in memory whatever this says.
	 */
	persistPath?: string;
	/** The gateway's port; default: any free one. */
	port?: number;
	/** Apply every migration to D1 first (default); false for persisted state that has them. */
	migrate?: boolean;
	/** Bundle the Workers first (default); false reuses the bundles of an earlier start. */
	bundle?: boolean;
	/** Each Worker's own port also answers `/cdn-cgi/handler/scheduled` (fires its cron). */
	triggerHandlers?: boolean;
}

/**
 * Starts the three Workers, by default on one fresh in-memory D1 with every
 * migration applied; `settings` reach codegen and notion. `port` is the gateway's;
 * `directUrl("kiln-notion")` reaches one Worker with nothing in front.
 */
export async function startKilnInMiniflare(settings: Record<string, string>, opts: KilnInMiniflareOptions = {}) {
	// The web Worker's bundle needs its assets directory to exist (as `npm run deploy -- --dry-run` makes it).
	mkdirSync(path.join(root, "dist/spa"), { recursive: true });
	const bundle = opts.bundle ?? true;
	const mf = new Miniflare(
		convertV4MiniflareOptions({
			...(opts.persistPath && { resourcePersistencePath: opts.persistPath }),
			...(opts.port !== undefined && { port: opts.port }),
			...(opts.triggerHandlers && { unsafeTriggerHandlers: true }),
			workers: [
				worker("wrangler.toml", "kiln-web", {}, {}, bundle),
				worker("workers/codegen/wrangler.toml", "kiln-codegen", settings, opts.codegen, bundle),
				worker("workers/notion/wrangler.toml", "kiln-notion", settings, {}, bundle),
			],
		}),
	);
	const url = await mf.ready;
	if (opts.migrate ?? true) {
		const db = await mf.getD1Database("DB");
		for (const migration of await testMigrations()) {
			for (const query of migration.queries) await db.prepare(query).run();
		}
	}
	return {
		port: Number(url.port),
		directUrl: async (name: string) => (await mf.unsafeGetDirectURL(name)).origin,
		dispose: () => mf.dispose(),
	};
}
