/**
 * Integration events, routed to the automations that care. Events carry ids
 * only, so each handler reads fresh data:
 * - page.created / page.properties_updated / page.undeleted / page.moved:
 *   the page's favicon icon and empty title (as /example/database/page);
 * - data_source.created / data_source.content_updated / data_source.undeleted:
 *   favicons for every row (as /example/database/pages);
 * - page.deleted: nothing. The page is in the trash, which Notion can undo,
 *   and a restored page comes back with its blocks: forgetting them would
 *   make the next run append a second one. The cron drops a block's state
 *   once Notion reports the block gone (sweep.ts);
 * - data_source.deleted, database.deleted, block.deleted: per-block state that
 *   names the object is dropped, with no Notion call;
 * - anything else is recorded as ignored.
 * Events whose authors are all our own integration's bot are ignored: they
 * echo our own writes (no loops).
 */
import { deleteBlockStatesFor } from "../../src/db/notion";
import { sha256Hex } from "../../src/shared/hash";
import { normalizeId } from "./api/values";
import { done, ignored, type RunContext, type RunResult } from "./automations/contract";
import { iconAndTitle } from "./automations/example-database-page";
import { iconsForDataSources } from "./automations/example-database-pages";
import type { IntegrationEvent } from "./payloads";

/** Our bot user's id, per token, for this isolate's lifetime (one request per isolate). */
const botIds = new Map<string, Promise<string>>();

async function ourBotId(ctx: RunContext, token: string): Promise<string> {
	const key = await sha256Hex(token);
	let id = botIds.get(key);
	if (!id) {
		id = ctx.notion.me().then((u) => normalizeId(u.id));
		id.catch(() => botIds.delete(key));
		botIds.set(key, id);
	}
	return id;
}

export async function handleIntegrationEvent(ctx: RunContext, token: string, ev: IntegrationEvent): Promise<RunResult> {
	const authors = ev.authors ?? [];
	if (authors.length > 0 && authors.every((a) => a.type === "bot")) {
		const me = await ourBotId(ctx, token);
		if (authors.every((a) => normalizeId(a.id) === me)) return ignored("Caused by this integration's own write.");
	}
	const id = ev.entity.id;
	switch (ev.type) {
		case "page.created":
		case "page.properties_updated":
		case "page.undeleted":
		case "page.moved":
			return iconAndTitle(ctx, id);
		case "data_source.created":
		case "data_source.content_updated":
		case "data_source.undeleted":
			return done(await iconsForDataSources(ctx, [id]));
		case "page.deleted":
			return ignored("The page is in the trash, which can be undone: its blocks' state is kept.");
		case "data_source.deleted":
		case "database.deleted":
		case "block.deleted": {
			const dropped = await deleteBlockStatesFor(ctx.db, id);
			return dropped ? done(0) : ignored("No block state names this object.");
		}
		default:
			return ignored(`No automation handles ${ev.type}.`);
	}
}
