/**
 * POST /example/child_pages — treats the page's child pages as a set and keeps
 * an index of them on the page: one callout that links every child page (in
 * page order) and says how many there are. Adding, removing or reordering
 * child pages changes the index (a renamed page needs no write: a mention
 * shows the page's current title); when the set is unchanged the run only
 * reads the page's children (one request per 100 blocks) and writes nothing.
 * A deleted index is appended again.
 *
 * Wire it as a "Send webhook" action of a button on the parent page.
 */
import type { BlockObjectRequest } from "@notionhq/client";
import { getBlockState } from "../../../src/db/notion";
import { normalizeId, type RichText } from "../api/values";
import { isTrashed, keepBlock, writesOf } from "../blocks";
import { type Automation, done } from "./contract";

export const ROUTE = "/example/child_pages";
/** Notion allows 100 rich text items per block; each link takes two. */
const MAX_LINKS = 45;

export const automation: Automation = {
	path: ROUTE,
	options: {},
	async run(ctx, p) {
		const pageId = p.data.id;
		const children = await ctx.notion.children(pageId);
		const pages = children.filter((b) => b.type === "child_page" && !isTrashed(b)).map((b) => b.id);
		const state = await getBlockState(ctx.db, ROUTE, pageId);
		// The index is one of the children we just read: no need to read it again.
		const current = state
			? (children.find((b) => normalizeId(b.id) === normalizeId(state.blockId) && !isTrashed(b)) ?? null)
			: null;
		const result = await keepBlock(ctx, ROUTE, pageId, indexCallout(pages), { current, children });
		return done(writesOf(result));
	},
};

export function indexCallout(pageIds: string[]): BlockObjectRequest & { type: "callout" } {
	const n = pageIds.length;
	const rich: RichText[] = [
		{ type: "text", text: { content: n === 0 ? "No child pages yet." : `${n} child page${n === 1 ? "" : "s"}: ` } },
	];
	pageIds.slice(0, MAX_LINKS).forEach((id, i) => {
		if (i > 0) rich.push({ type: "text", text: { content: ", " } });
		rich.push({ type: "mention", mention: { type: "page", page: { id } } });
	});
	if (n > MAX_LINKS) rich.push({ type: "text", text: { content: ` and ${n - MAX_LINKS} more.` } });
	return {
		object: "block",
		type: "callout",
		callout: { rich_text: rich as never, icon: { type: "emoji", emoji: "🗂️" }, color: "default" },
	};
}
