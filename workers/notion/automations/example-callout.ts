/**
 * POST /example/callout — a callout on the page that summarises the page's
 * properties, kept up to date in place: the first run appends it, later runs
 * update that same block (only when its text would change), and a callout
 * that was deleted is appended again.
 *
 * Wire it as a "Send webhook" action of a database automation ("when a
 * property is edited") or a button; select the properties to summarise.
 */
import type { BlockObjectRequest } from "@notionhq/client";
import { MAX_TEXT, type RichText, simpleValue, textItems, titleOf } from "../api/values";
import { keepBlock, writesOf } from "../blocks";
import type { AutomationPayload } from "../payloads";
import { type Automation, done } from "./contract";

export const ROUTE = "/example/callout";

export const automation: Automation = {
	path: ROUTE,
	options: {},
	async run(ctx, p) {
		const result = await keepBlock(ctx, ROUTE, p.data.id, summaryCallout(p));
		return done(writesOf(result));
	},
};

/** "Title" in bold, then one "Property: value" line per non-empty property, by name. */
export function summaryCallout(p: AutomationPayload): BlockObjectRequest & { type: "callout" } {
	const props = p.data.properties ?? {};
	const title = titleOf(props)?.text.trim() || "Untitled";
	const lines = Object.entries(props)
		.filter(([, v]) => v.type !== "title")
		.map(([name, v]) => [name, format(simpleValue(v))] as const)
		.filter(([, text]) => text !== "")
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([name, text]) => `${name}: ${text}`);
	const body = lines.length ? lines.join("\n") : "No properties were sent with this automation.";
	const rich: RichText[] = [
		...textItems(title.slice(0, MAX_TEXT), { bold: true }),
		...textItems(`\n${body}`.slice(0, MAX_TEXT * 10)),
	];
	return {
		object: "block",
		type: "callout",
		callout: { rich_text: rich as never, icon: { type: "emoji", emoji: "📋" }, color: "gray_background" },
	};
}

function format(v: unknown): string {
	if (v === null || v === undefined) return "";
	if (Array.isArray(v)) return v.map(format).filter(Boolean).join(", ");
	if (typeof v === "object") return JSON.stringify(v);
	return String(v);
}
