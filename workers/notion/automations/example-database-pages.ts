/**
 * POST /example/database/pages — every row of the database that has a URL gets
 * the site's favicon as its page icon.
 *
 * Wire it as a "Send webhook" action of a database button or automation: the
 * payload's `data.parent` names the database (`database_id`) or its data
 * source (`data_source_id`). Rows whose icon already is the site's favicon are
 * left alone, so a second run only reads.
 */
import type { PageObjectResponse } from "@notionhq/client";
import { urlOf } from "../api/values";
import { lookupSite, type SiteInfo } from "../favicon";
import { type Automation, done, pool, type RunContext } from "./contract";

export const automation: Automation = {
	path: "/example/database/pages",
	options: { property: "Name of the property holding each row's URL (default: the first URL property)." },
	check: (p) =>
		p.data.parent?.data_source_id || p.data.parent?.database_id
			? null
			: "data.parent must name the database (database_id or data_source_id).",
	async run(ctx, p, options) {
		const parent = p.data.parent ?? { type: "" };
		const sources = parent.data_source_id
			? [parent.data_source_id]
			: await ctx.notion.dataSourcesOf(parent.database_id as string);
		return done(await iconsForDataSources(ctx, sources, options.property));
	},
};

/** Gives every row of these data sources its site's favicon; returns the number of writes. */
export async function iconsForDataSources(
	ctx: RunContext,
	dataSourceIds: string[],
	property?: string,
): Promise<number> {
	const sites = siteMemo(ctx);
	let writes = 0;
	for (const ds of dataSourceIds) {
		const rows = await ctx.notion.queryAll(ds);
		await pool(rows, 4, async (row) => {
			if (row.in_trash || (row as { archived?: boolean }).archived) return;
			const url = urlOf(row.properties as never, property);
			if (!url) return;
			const site = await sites(url);
			if (!site?.iconUrl || externalIcon(row) === site.iconUrl) return;
			await ctx.notion.updatePage({ page_id: row.id, icon: { type: "external", external: { url: site.iconUrl } } });
			writes++;
		});
	}
	return writes;
}

/** The page's icon URL when it is an external icon. */
export function externalIcon(page: Pick<PageObjectResponse, "icon">): string | null {
	return page.icon?.type === "external" ? page.icon.external.url : null;
}

/** One lookup per origin per run, however many rows share it. */
function siteMemo(ctx: RunContext) {
	const seen = new Map<string, Promise<SiteInfo | null>>();
	return (url: string) => {
		let key: string;
		try {
			key = new URL(url).origin;
		} catch {
			return Promise.resolve(null);
		}
		let p = seen.get(key);
		if (!p) {
			p = lookupSite(ctx.db, url, { ...ctx.outbound, timeoutMs: ctx.faviconTimeoutMs });
			seen.set(key, p);
		}
		return p;
	};
}
