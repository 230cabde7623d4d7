/**
 * POST /example/guest/welcome — a welcome message for the guest named in the
 * payload, as a callout on the page, kept in place like /example/callout (a
 * renamed guest updates the same block; nothing changes when it already says
 * the right thing).
 *
 * The guest is the first person of the `?property=` people property, or of
 * the first people property sent, else the page's title (a "Guests" database
 * whose rows are named after the guest).
 */
import type { BlockObjectRequest } from "@notionhq/client";
import { firstPersonName, type Properties, plainText, textItems, titleOf } from "../api/values";
import { keepBlock, writesOf } from "../blocks";
import type { AutomationPayload } from "../payloads";
import { type Automation, done } from "./contract";

export const ROUTE = "/example/guest/welcome";

export const automation: Automation = {
	path: ROUTE,
	options: {
		property: "People, title or text property naming the guest (default: first people property, else the title).",
	},
	check: (p, options) =>
		guestName(p, options.property) ? null : "The payload names no guest (no person and no title).",
	async run(ctx, p, options) {
		const name = guestName(p, options.property) as string;
		const result = await keepBlock(ctx, ROUTE, p.data.id, welcomeCallout(name));
		return done(writesOf(result));
	},
};

export function guestName(p: AutomationPayload, property?: string): string | null {
	const props: Properties = p.data.properties ?? {};
	if (property) {
		const v = props[property];
		if (!v) return null;
		const name = firstPersonName(v) ?? (v.type === "title" || v.type === "rich_text" ? plainText(v[v.type]) : "");
		return name.trim().slice(0, 200) || null;
	}
	for (const v of Object.values(props)) {
		const person = firstPersonName(v);
		if (person) return person.slice(0, 200);
	}
	return titleOf(props)?.text.trim().slice(0, 200) || null;
}

export function welcomeCallout(name: string): BlockObjectRequest & { type: "callout" } {
	return {
		object: "block",
		type: "callout",
		callout: {
			rich_text: [
				...textItems("Welcome, "),
				...textItems(name, { bold: true }),
				...textItems("! We're glad you're here. Everything you need is on this page."),
			] as never,
			icon: { type: "emoji", emoji: "👋" },
			color: "blue_background",
		},
	};
}
