/**
 * The Notion console's routes, for the operator only (KILN_OPERATOR_TOKEN),
 * mounted at /console (so /notion/console/... through the gateway):
 * - GET  /console/setup  — the automation routes, their options, and the header to paste;
 * - GET  /console/token  — whether NOTION_TOKEN works (Notion's users/me);
 * - GET  /console/budget — the rate limiter's use now, and any Retry-After pause;
 * - GET  /console/stats?hours=24 — events per route and status;
 * - POST /console/test   — a test delivery on a page, or a dry run of one (trial.ts).
 * The event log (/events) and the pending verification token (/verification)
 * have routes of their own. Answers are never cached: they carry a secret.
 */
import { isHTTPResponseError } from "@notionhq/client";
import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "../../../src/db/client";
import { countEventsByRoute } from "../../../src/db/notion";
import { requireOperator } from "../../../src/http/auth";
import { parseJsonBytes, readBody } from "../../../src/http/body";
import { describeIssues, HttpError } from "../../../src/http/errors";
import {
	type BudgetJson,
	type ConsoleSetupJson,
	EVENT_STATUSES,
	type EventStatus,
	type StatsJson,
	type TokenCheckJson,
} from "../../../src/shared/notion-console";
import { describeError } from "../api/client";
import { limiterOf } from "../api/limiter";
import { automationByPath, automations } from "../automations";
import type { NotionEnv } from "../context";
import { notionId } from "../payloads";
import { checkOptions } from "../receive";
import { runContext, secretValues, settings } from "../settings";
import { runTrial } from "../trial";
import { ROUTE as WEBHOOKS } from "./webhooks";

const statsQuery = z.strictObject({ hours: z.coerce.number().int().min(1).max(168).default(24) });

const testRequest = z.strictObject({
	route: z.string().max(300),
	pageId: notionId,
	options: z.record(z.string().max(100), z.string()).default({}),
	dryRun: z.boolean().default(false),
});

function needToken(env: NotionBindings): string {
	const { token } = settings(env);
	if (!token) throw new HttpError(503, "not_configured", "NOTION_TOKEN is not set.");
	return token;
}

export const consoleRoutes = new Hono<NotionEnv>()
	.use("*", async (c, next) => {
		await requireOperator(c.req.raw, settings(c.env).operatorToken);
		c.header("Cache-Control", "no-store");
		await next();
	})
	.get("/setup", (c) => {
		const s = settings(c.env);
		return c.json({
			routes: automations.map((a) => ({
				path: a.path,
				options: Object.entries(a.options).map(([name, description]) => ({ name, description })),
			})),
			// The operator may see it: it is pasted into every automation that calls Kiln.
			webhook: s.webhookSecret ? { header: "Authorization", value: `Bearer ${s.webhookSecret}` } : null,
			settings: {
				NOTION_TOKEN: s.token !== null,
				NOTION_WEBHOOK_SECRET: s.webhookSecret !== null,
				NOTION_VERIFICATION_TOKEN: s.verificationToken !== null,
			},
		} satisfies ConsoleSetupJson);
	})
	.get("/token", async (c) => {
		if (!settings(c.env).token) {
			return c.json({
				ok: false,
				error: { code: "not_configured", message: "NOTION_TOKEN is not set." },
			} satisfies TokenCheckJson);
		}
		const ctx = await runContext(c.env);
		try {
			const me = await ctx.notion.me();
			return c.json({ ok: true, bot: { id: me.id, name: me.name ?? null } } satisfies TokenCheckJson);
		} catch (err) {
			const code = isHTTPResponseError(err) ? err.code : "unreachable";
			return c.json({ ok: false, error: { code, message: describeError(err, secretValues(c.env)) } } as TokenCheckJson);
		}
	})
	.get("/budget", async (c) => {
		const token = needToken(c.env);
		if (!c.env.NOTION_RATE_LIMITER) {
			throw new HttpError(503, "not_configured", "The NOTION_RATE_LIMITER Durable Object is not bound.");
		}
		const snap = await (await limiterOf(c.env.NOTION_RATE_LIMITER, token)).snapshot();
		const pausedUntil = snap.pausedForMs > 0 ? new Date(Date.now() + snap.pausedForMs).toISOString() : null;
		return c.json({ budget: { ...snap, pausedUntil } } satisfies BudgetJson);
	})
	.get("/stats", async (c) => {
		const q = statsQuery.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
		if (!q.success) throw new HttpError(400, "invalid_query", describeIssues(q.error.issues));
		const since = Date.now() - q.data.hours * 3600_000;
		const counts = await countEventsByRoute(createDb(c.env.DB), since);
		const routes = new Map<string, StatsJson["routes"][number]>();
		const zero = () => Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
		for (const path of [...automations.map((a) => a.path), WEBHOOKS]) {
			routes.set(path, { route: path, total: 0, byStatus: zero() });
		}
		for (const { path, status, count } of counts) {
			const row = routes.get(path) ?? { route: path, total: 0, byStatus: zero() };
			row.total += count;
			row.byStatus[status as EventStatus] = (row.byStatus[status as EventStatus] ?? 0) + count;
			routes.set(path, row);
		}
		return c.json({ since: new Date(since).toISOString(), routes: [...routes.values()] } satisfies StatsJson);
	})
	.post("/test", async (c) => {
		const parsed = testRequest.safeParse(parseJsonBytes(await readBody(c.req.raw)));
		if (!parsed.success) throw new HttpError(400, "invalid_request", describeIssues(parsed.error.issues));
		const { route, pageId, options, dryRun } = parsed.data;
		const automation = automationByPath.get(route);
		if (!automation) {
			throw new HttpError(
				400,
				"unknown_route",
				`No automation at "${route.slice(0, 100)}" (known: ${automations.map((a) => a.path).join(", ")}).`,
			);
		}
		const trial = { automation, pageId, options: checkOptions(automation, Object.entries(options)), dryRun };
		const answer = await runTrial(c.env, trial);
		return c.json(answer, dryRun ? 200 : 202);
	});
