import { createDb } from "../../src/db/client";
import { checkDatabase } from "../../src/db/health";
import { createApp } from "../../src/http/app";
import { projectFromHost } from "../../src/shared/api";
import { withoutOversizedCookie } from "./cookies";
import { refuseForeignDevHost } from "./dev-hosts";
import { forward } from "./forward";
import { serveSpa } from "./spa";

export type WebEnv = { Bindings: WebBindings };

/** How long /healthz waits for each part before calling it down. */
const HEALTH_TIMEOUT_MS = 5_000;

const app = createApp<WebEnv>()
	// Under `npm run dev`, only loopback names (DNS rebinding): dev-hosts.ts.
	.use(async (c, next) => {
		refuseForeignDevHost(c.req.raw, c.env.KILN_DEV_HOSTS);
		await next();
	})
	// Kiln uses no cookies; an oversized Cookie header (cookie tossing) is dropped: cookies.ts.
	.use(async (c, next) => {
		c.req.raw = withoutOversizedCookie(c.req.raw);
		await next();
	})
	// A project's own origin (<project>.localhost:8787, or <project>.<apps domain>):
	// every path goes to codegen, which serves only that project's app and data there.
	.use(async (c, next) => {
		if (projectFromHost(new URL(c.req.url).host, c.env.PROJECT_ORIGIN)) {
			return forward(c.env.CODEGEN, c.req.raw, "codegen");
		}
		await next();
	})
	.get("/healthz", async (c) => {
		const parts = await Promise.all([
			probe("codegen", () => pingWorker(c.env.CODEGEN)),
			probe("notion", () => pingWorker(c.env.NOTION)),
			probe("d1", () => checkDatabase(createDb(c.env.DB))),
		]);
		const failing = parts.filter((p) => !p.ok);
		const body = {
			ok: failing.length === 0,
			parts: Object.fromEntries(parts.map((p) => [p.name, p.ok ? "ok" : p.error])),
			...(failing.length && {
				error: {
					code: "unhealthy",
					message: `Not answering: ${failing.map((p) => p.name).join(", ")}.`,
				},
			}),
		};
		c.header("Cache-Control", "no-store");
		return c.json(body, failing.length ? 503 : 200);
	})
	.all("/api/*", (c) => forward(c.env.CODEGEN, c.req.raw, "codegen"))
	.all("/p/*", (c) => forward(c.env.CODEGEN, c.req.raw, "codegen"))
	.all("/_kiln/*", (c) => forward(c.env.CODEGEN, c.req.raw, "codegen"))
	.all("/notion/*", (c) => forward(c.env.NOTION, c.req.raw, "notion", "/notion"))
	.all("*", (c) => serveSpa(c.env.ASSETS, c.req.raw));

type Probe = { name: string; ok: true } | { name: string; ok: false; error: string };

async function probe(name: string, check: () => Promise<void>): Promise<Probe> {
	let timer: ReturnType<typeof setTimeout> | null = null;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
	});
	try {
		await Promise.race([check(), timeout]);
		return { name, ok: true };
	} catch (err) {
		return { name, ok: false, error: describe(err) };
	} finally {
		clearTimeout(timer);
	}
}

/** The root cause's message: Drizzle wraps D1's "no such table" in "Failed query: ...". */
function describe(err: unknown): string {
	let e = err;
	while (e instanceof Error && e.cause instanceof Error) e = e.cause;
	return e instanceof Error ? e.message : String(e);
}

async function pingWorker(worker: Fetcher): Promise<void> {
	const res = await worker.fetch("https://internal/healthz");
	if (!res.ok) throw new Error(`answered ${res.status}`);
	const body = await res.json<{ ok?: boolean }>();
	if (body.ok !== true) throw new Error("answered without ok:true");
}

export default app;
