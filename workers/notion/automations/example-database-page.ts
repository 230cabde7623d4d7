/**
 * POST /example/database/page — the one row whose button was pressed gets its
 * site's favicon as page icon, and an empty title is filled from the site's
 * `<title>`.
 *
 * Wire it as a "Send webhook" action of a button property in the database (or
 * a page button): `data.id` is the row. The row is read fresh, so pressing the
 * button again when everything is right only reads.
 */
import type { UpdatePageParameters } from "@notionhq/client";
import { textItems, titleOf, urlOf } from "../api/values";
import { isTrashed } from "../blocks";
import { lookupSite } from "../favicon";
import { type Automation, done, ignored, type RunContext, type RunResult } from "./contract";
import { externalIcon } from "./example-database-pages";

export const automation: Automation = {
	path: "/example/database/page",
	options: { property: "Name of the property holding the row's URL (default: the first URL property)." },
	run: (ctx, p, options) => iconAndTitle(ctx, p.data.id, options.property),
};

/** Icon (and empty title) of one page from the site its URL property names. */
export async function iconAndTitle(ctx: RunContext, pageId: string, property?: string): Promise<RunResult> {
	const page = await ctx.notion.retrievePage(pageId);
	if (isTrashed(page as never)) return ignored("The page is in the trash.");
	const url = urlOf(page.properties as never, property);
	if (!url)
		return ignored(property ? `The page has no URL in "${property}".` : "The page has no URL property with a value.");
	const title = titleOf(page.properties as never);
	const needTitle = !!title && title.text.trim() === "";
	const site = await lookupSite(ctx.db, url, { ...ctx.outbound, timeoutMs: ctx.faviconTimeoutMs, needTitle });
	if (!site) return ignored(`Not a public http(s) URL: ${url.slice(0, 200)}`);

	const update: UpdatePageParameters = { page_id: page.id };
	if (site.iconUrl && externalIcon(page) !== site.iconUrl) {
		update.icon = { type: "external", external: { url: site.iconUrl } };
	}
	if (needTitle && title && site.title) {
		update.properties = { [title.name]: { title: textItems(site.title.slice(0, 2000)) as never } };
	}
	if (!update.icon && !update.properties) return done(0);
	await ctx.notion.updatePage(update);
	return done(1);
}
