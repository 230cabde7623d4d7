/**
 * Reading Notion property values and rich text, and comparing what is there
 * with what we would write (so an unchanged value is never written again).
 */

/** A property value as Notion sends it: `{ id, type, [type]: value }`. */
export type PropertyValue = { id?: string; type: string } & Record<string, unknown>;
export type Properties = Record<string, PropertyValue>;

/** A rich text item, as we send it or as Notion answers it. */
export interface RichText {
	type?: string;
	text?: { content: string; link?: { url: string } | null };
	mention?: { type: string; page?: { id: string }; user?: { id: string } };
	annotations?: Partial<Record<"bold" | "italic" | "strikethrough" | "underline" | "code", boolean>> & {
		color?: string;
	};
	plain_text?: string;
}

/** Notion's limit for one text item. */
export const MAX_TEXT = 2000;

export function plainText(items: unknown): string {
	if (!Array.isArray(items)) return "";
	return items.map((i: RichText) => i.plain_text ?? i.text?.content ?? "").join("");
}

/** Plain text as rich text, cut into items of at most 2000 characters. */
export function textItems(text: string, annotations?: RichText["annotations"]): RichText[] {
	const out: RichText[] = [];
	for (let i = 0; i < text.length; i += MAX_TEXT) {
		out.push({ type: "text", text: { content: text.slice(i, i + MAX_TEXT) }, ...(annotations && { annotations }) });
	}
	return out;
}

/**
 * A canonical form of rich text for comparison: what Notion shows, not how it
 * was spelled (defaults dropped, mention titles ignored, adjacent plain text
 * items merged, since Notion may split or join them).
 */
export function richTextKey(items: unknown): string {
	if (!Array.isArray(items)) return "[]";
	const parts: string[] = [];
	for (const i of items as RichText[]) {
		const ann = Object.entries(i.annotations ?? {})
			.filter(([k, v]) => (k === "color" ? v !== "default" : v === true))
			.map(([k, v]) => (k === "color" ? `color=${v}` : k))
			.sort()
			.join(",");
		if ((i.type ?? "text") === "mention" && i.mention) {
			const target = i.mention.page?.id ?? i.mention.user?.id ?? "";
			parts.push(`@${i.mention.type}:${normalizeId(target)}|${ann}`);
		} else {
			const content = i.text?.content ?? i.plain_text ?? "";
			const link = i.text?.link?.url ?? "";
			const key = `|${ann}|${link}`;
			const last = parts.length - 1;
			if (last >= 0 && parts[last].startsWith("T") && parts[last].endsWith(key)) {
				parts[last] = `T${parts[last].slice(1, -key.length)}${content}${key}`;
			} else {
				parts.push(`T${content}${key}`);
			}
		}
	}
	return JSON.stringify(parts);
}

/** Notion ids with or without dashes, in either case, are the same id. */
export function normalizeId(id: string): string {
	return id.replace(/-/g, "").toLowerCase();
}

/** The property of type `title` (every database row and page has one). */
export function titleOf(props: Properties | undefined): { name: string; text: string } | null {
	for (const [name, p] of Object.entries(props ?? {})) {
		if (p.type === "title") return { name, text: plainText(p.title) };
	}
	return null;
}

/**
 * The URL a row points at: the named property (a url, or text holding a URL),
 * else the first url property that has a value.
 */
export function urlOf(props: Properties | undefined, name?: string): string | null {
	const entries = Object.entries(props ?? {});
	const pick = name ? entries.filter(([n]) => n === name) : entries.filter(([, p]) => p.type === "url");
	for (const [, p] of pick) {
		const v = p.type === "url" ? p.url : p.type === "rich_text" ? plainText(p.rich_text) : null;
		if (typeof v === "string" && v.trim()) return v.trim();
	}
	return null;
}

/** A property's value as plain JSON (what the injections route writes). */
export function simpleValue(p: PropertyValue): unknown {
	const v = p[p.type] as unknown;
	switch (p.type) {
		case "title":
		case "rich_text":
			return plainText(v);
		case "select":
		case "status":
			return (v as { name?: string } | null)?.name ?? null;
		case "multi_select":
			return ((v as { name: string }[] | null) ?? []).map((o) => o.name);
		case "people":
			return ((v as { id: string; name?: string }[] | null) ?? []).map((u) => u.name ?? u.id);
		case "relation":
			return ((v as { id: string }[] | null) ?? []).map((r) => r.id);
		case "date": {
			const d = v as { start: string; end?: string | null } | null;
			return d ? (d.end ? `${d.start}/${d.end}` : d.start) : null;
		}
		case "files":
			return ((v as { name: string }[] | null) ?? []).map((f) => f.name);
		case "formula": {
			const f = v as ({ type: string } & Record<string, unknown>) | null;
			return f ? (f[f.type] ?? null) : null;
		}
		case "unique_id": {
			const u = v as { prefix?: string | null; number: number | null } | null;
			return u?.number == null ? null : `${u.prefix ? `${u.prefix}-` : ""}${u.number}`;
		}
		case "created_by":
		case "last_edited_by":
			return (v as { id: string; name?: string } | null)?.name ?? (v as { id: string } | null)?.id ?? null;
		case "rollup": {
			const r = v as ({ type: string } & Record<string, unknown>) | null;
			return r ? (r[r.type] ?? null) : null;
		}
		default:
			return v ?? null;
	}
}

/** The first person named in a people property (guest welcome). */
export function firstPersonName(p: PropertyValue): string | null {
	if (p.type !== "people") return null;
	const people = (p.people as { name?: string }[] | undefined) ?? [];
	return people.find((u) => u.name?.trim())?.name?.trim() ?? null;
}
