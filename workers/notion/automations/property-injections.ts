/**
 * POST /property/injections — values derived from the payload written into
 * the page's own properties: `?json=` (default "JSON") gets the page's other
 * properties as compact JSON (names sorted, values simplified), and, when
 * `?summary=` names one, that property gets a "Name: value · ..." line. Both
 * must be text properties of the database.
 *
 * The payload carries the page's current values, so when it includes the
 * target properties the run compares against them and writes only what
 * differs (a single request, or none); otherwise it reads the page first.
 */

import { type Properties, richTextKey, simpleValue, textItems } from "../api/values";
import { isTrashed } from "../blocks";
import type { AutomationPayload } from "../payloads";
import { type Automation, done, ignored, PermanentError } from "./contract";

export const automation: Automation = {
	path: "/property/injections",
	options: {
		json: 'Text property that receives the JSON (default "JSON").',
		summary: "Text property that receives a one-line summary (optional).",
	},
	async run(ctx, p, options) {
		const targets = injections(p, options);
		let current: Properties = p.data.properties ?? {};
		if (targets.some((t) => !(t.property in current))) {
			const page = await ctx.notion.retrievePage(p.data.id);
			if (isTrashed(page as never)) return ignored("The page is in the trash.");
			current = page.properties as never;
		}
		const properties: Record<string, { rich_text: never }> = {};
		for (const t of targets) {
			const now = current[t.property];
			if (!now) throw new PermanentError(`The page has no property "${t.property}".`);
			if (now.type !== "rich_text") throw new PermanentError(`"${t.property}" is a ${now.type} property, not text.`);
			const want = textItems(t.text);
			if (richTextKey(now.rich_text) !== richTextKey(want)) properties[t.property] = { rich_text: want as never };
		}
		if (Object.keys(properties).length === 0) return done(0);
		await ctx.notion.updatePage({ page_id: p.data.id, properties });
		return done(1);
	},
};

/** Text properties take at most 100 items of 2000 characters; we stay well inside. */
const MAX_INJECTED = 20_000;

export function injections(p: AutomationPayload, options: Record<string, string>) {
	const jsonProp = options.json || "JSON";
	const targets = new Set([jsonProp, options.summary].filter(Boolean));
	const props = p.data.properties ?? {};
	const values: Record<string, unknown> = {};
	for (const name of Object.keys(props).sort()) {
		if (!targets.has(name)) values[name] = simpleValue(props[name]);
	}
	const out = [{ property: jsonProp, text: JSON.stringify(values).slice(0, MAX_INJECTED) }];
	if (options.summary) {
		const line = Object.entries(values)
			.filter(([, v]) => v !== null && v !== "" && !(Array.isArray(v) && v.length === 0))
			.map(
				([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v)}`,
			)
			.join(" · ");
		out.push({ property: options.summary, text: line.slice(0, MAX_INJECTED) });
	}
	return out;
}
