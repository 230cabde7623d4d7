/**
 * A block a route owns on a page (a callout, a welcome message, an index of
 * child pages), kept up to date in place: the first run appends it and
 * remembers its id in D1 (`notion_block_state`, the `lastRun`); later runs
 * read it back and update it only when its content differs; a block that is
 * gone (not found, or in the trash) is appended again.
 */
import type { BlockObjectRequest } from "@notionhq/client";
import { getBlockState, putBlockState } from "../../src/db/notion";
import { sha256Hex } from "../../src/shared/hash";
import { type Block, isNotFound } from "./api/client";
import { richTextKey } from "./api/values";
import type { RunContext } from "./automations/contract";

export type KeepResult = "created" | "recreated" | "updated" | "unchanged" | "adopted";

/** Writes a keepBlock result stands for. */
export const writesOf = (r: KeepResult) => (r === "unchanged" || r === "adopted" ? 0 : 1);

/** Deleted in Notion: 2025-09-03 says `in_trash`, older shapes `archived`. */
export function isTrashed(b: { in_trash?: boolean; archived?: boolean }): boolean {
	return b.in_trash === true || b.archived === true;
}

type Content = {
	rich_text?: unknown;
	icon?: { type: string; emoji?: string; external?: { url: string } } | null;
	color?: string;
};

/** What a block shows, independent of how it was spelled. */
export function blockKey(b: Block | BlockObjectRequest): string {
	const type = (b as { type?: string }).type ?? "";
	const c = ((b as Record<string, unknown>)[type] ?? {}) as Content;
	const icon = c.icon ? `${c.icon.type}:${c.icon.emoji ?? c.icon.external?.url ?? ""}` : "";
	return JSON.stringify([type, richTextKey(c.rich_text), icon, c.color ?? "default"]);
}

/**
 * Makes the route's block on `parentId` show `desired`. With `known`, the
 * caller already read the page's children and says what it found (null: the
 * block is not there) and what else is there, which saves requests.
 *
 * An append is never retried blindly: when an earlier run of this event
 * failed, its append may have reached Notion even though the answer did not
 * reach us. So a later attempt first looks among the page's children for a
 * block that already shows exactly `desired`, and adopts it.
 */
export async function keepBlock(
	ctx: RunContext,
	route: string,
	parentId: string,
	desired: BlockObjectRequest & { type: string },
	known?: { current: Block | null; children?: Block[] },
): Promise<KeepResult> {
	const state = await getBlockState(ctx.db, route, parentId);
	const key = blockKey(desired);
	const hash = await sha256Hex(key);
	if (state) {
		let current: Block | null;
		if (known) {
			current = known.current;
		} else {
			try {
				current = await ctx.notion.retrieveBlock(state.blockId);
			} catch (err) {
				if (!isNotFound(err)) throw err;
				current = null;
			}
		}
		if (current && !isTrashed(current) && current.type === desired.type) {
			if (blockKey(current) === key) {
				if (state.contentHash !== hash) await putBlockState(ctx.db, { ...state, contentHash: hash });
				return "unchanged";
			}
			try {
				const content = (desired as unknown as Record<string, unknown>)[desired.type];
				await ctx.notion.updateBlock({ block_id: state.blockId, [desired.type]: content } as never);
				await putBlockState(ctx.db, { route, parentId, blockId: state.blockId, contentHash: hash });
				return "updated";
			} catch (err) {
				// Deleted between our read and our write: append a new one below.
				if (!isNotFound(err)) throw err;
			}
		}
	}
	if (ctx.afterFailure) {
		const siblings = known?.children ?? (await ctx.notion.children(parentId));
		const twin = siblings.find((b) => !isTrashed(b) && blockKey(b) === key);
		if (twin) {
			await putBlockState(ctx.db, { route, parentId, blockId: twin.id, contentHash: hash });
			return "adopted";
		}
	}
	const [created] = await ctx.notion.append(parentId, [desired]);
	await putBlockState(ctx.db, { route, parentId, blockId: created.id, contentHash: hash });
	return state ? "recreated" : "created";
}
