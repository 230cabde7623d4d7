/**
 * A block a route owns on a page (a callout, a welcome message, an index of
 * child pages), kept up to date in place: the first run appends it and
 * remembers its id in D1 (`notion_block_state`, the `lastRun`); later runs
 * read it back and update it only when its content differs; a block that is
 * gone (not found, or in the trash) is appended again.
 *
 * One block per (route, page), even under races: a run claims (route, page)
 * in D1 (`notion_block_claims`) before it appends. Another run that finds the
 * claim waits for the holder's block and updates that one. When the holder's
 * append ended without its outcome recorded (Notion's answer lost, D1 failing,
 * the run dying), the claim stays, naming what was appended, and the next run
 * looks for that block among the page's children: it adopts it if it is
 * there, and takes the claim over and appends only if it is not.
 */
import type { BlockObjectRequest } from "@notionhq/client";
import { isHTTPResponseError } from "@notionhq/client";
import {
	type BlockClaim,
	type BlockState,
	claimBlock,
	getBlockClaim,
	getBlockState,
	putBlockState,
	releaseClaim,
	settleClaim,
	takeOverClaim,
} from "../../src/db/notion";
import { sha256Hex } from "../../src/shared/hash";
import { type Block, isNotFound, NotionTimeoutError } from "./api/client";
import { normalizeId, richTextKey } from "./api/values";
import { RetryLater, type RunContext } from "./automations/contract";

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
 * How long a claim's holder may take to append, waiting for rate-limit budget
 * included, before its append counts as in doubt.
 */
export const APPEND_LEASE_MS = 2 * 60_000;
const CLAIM_POLL_MS = 100;
/** Rounds of "someone else was quicker, look again" before leaving it to the queue's retry. */
const MAX_ROUNDS = 4;

/** What a run wants on a page. */
interface Target {
	route: string;
	parentId: string;
	desired: BlockObjectRequest & { type: string };
	key: string;
	hash: string;
}

/**
 * Makes the route's block on `parentId` show `desired`. With `known`, the
 * caller already read the page's children and says what it found (null: the
 * block is not there) and what else is there, which saves requests.
 */
export async function keepBlock(
	ctx: RunContext,
	route: string,
	parentId: string,
	desired: BlockObjectRequest & { type: string },
	known?: { current: Block | null; children?: Block[] },
): Promise<KeepResult> {
	const key = blockKey(desired);
	const t: Target = { route, parentId, desired, key, hash: await sha256Hex(key) };
	for (let round = 1; ; round++) {
		const state = await getBlockState(ctx.db, route, parentId);
		if (state) {
			const kept = await keepInPlace(ctx, t, state, known?.current);
			if (kept) return kept;
		}
		if (ctx.dryRun) {
			// Nothing is claimed or recorded: the dry run's client only notes the append.
			await ctx.notion.append(parentId, [desired]);
			return state ? "recreated" : "created";
		}
		const appended = await appendOnce(ctx, t, state, known?.children);
		if (appended !== "again") return appended;
		if (round === MAX_ROUNDS) {
			throw new RetryLater(`Other runs keep writing the ${route} block on ${parentId}; this run tries again later.`);
		}
		// Another run wrote meanwhile: what the caller read is older than that.
		known = undefined;
	}
}

/**
 * Updates the recorded block when it is still there (`current`: the caller
 * read it already). Null when it is gone, so a new one must be appended.
 */
async function keepInPlace(
	ctx: RunContext,
	t: Target,
	state: BlockState,
	current?: Block | null,
): Promise<KeepResult | null> {
	if (current === undefined) {
		try {
			current = await ctx.notion.retrieveBlock(state.blockId);
		} catch (err) {
			if (!isNotFound(err)) throw err;
			current = null;
		}
	}
	if (!current || isTrashed(current) || current.type !== t.desired.type) return null;
	if (blockKey(current) === t.key) {
		if (state.contentHash !== t.hash && !ctx.dryRun) await putBlockState(ctx.db, { ...state, contentHash: t.hash });
		return "unchanged";
	}
	try {
		const content = (t.desired as unknown as Record<string, unknown>)[t.desired.type];
		await ctx.notion.updateBlock({ block_id: state.blockId, [t.desired.type]: content } as never);
	} catch (err) {
		// Deleted between our read and our write: append a new one.
		if (!isNotFound(err)) throw err;
		return null;
	}
	if (!ctx.dryRun) {
		await putBlockState(ctx.db, { route: t.route, parentId: t.parentId, blockId: state.blockId, contentHash: t.hash });
	}
	return "updated";
}

/** One try at appending under the claim; "again" when another run got there first. */
async function appendOnce(
	ctx: RunContext,
	t: Target,
	state: BlockState | null,
	children?: Block[],
): Promise<KeepResult | "again"> {
	const mine = () => ({
		claimId: crypto.randomUUID(),
		eventId: ctx.eventId,
		contentHash: t.hash,
		expiresAt: Date.now() + APPEND_LEASE_MS,
	});
	const claim = await claimBlock(ctx.db, { route: t.route, parentId: t.parentId, ...mine() });
	if (claim) return appendClaimed(ctx, t, claim, state);

	const held = await getBlockClaim(ctx.db, t.route, t.parentId);
	if (!held) return "again"; // released since: its block's state is recorded now
	if (held.eventId !== ctx.eventId && held.expiresAt > Date.now()) {
		// Another run is appending: wait for its block, then update that one.
		await waitForClaim(ctx, held);
		return "again";
	}
	// Our own earlier attempt's claim, or one whose holder is over: its append may or may not
	// have reached Notion. Children read before another run's append are no proof it did not.
	const siblings = held.eventId === ctx.eventId && children ? children : await ctx.notion.children(t.parentId);
	const twin = await findAppended(siblings, held);
	if (twin) return adopt(ctx, t, held, twin);
	const taken = await takeOverClaim(ctx.db, held, mine());
	return taken ? appendClaimed(ctx, t, taken, state) : "again";
}

async function appendClaimed(
	ctx: RunContext,
	t: Target,
	claim: BlockClaim,
	before: BlockState | null,
): Promise<KeepResult | "again"> {
	// Between our read of the state and the claim, another run may have appended, recorded its
	// block and released its claim: then that block is the one to keep.
	const now = await getBlockState(ctx.db, t.route, t.parentId);
	if ((now?.blockId ?? null) !== (before?.blockId ?? null)) {
		await releaseClaim(ctx.db, claim);
		return "again";
	}
	let created: Block;
	try {
		[created] = await ctx.notion.append(t.parentId, [t.desired]);
	} catch (err) {
		await afterFailedAppend(ctx, claim, err);
		throw err;
	}
	try {
		await putBlockState(ctx.db, { route: t.route, parentId: t.parentId, blockId: created.id, contentHash: t.hash });
	} catch (err) {
		// Notion has the block: the claim names it, so the next run adopts it.
		await settleClaim(ctx.db, claim, Date.now(), created.id).catch(() => {});
		throw err;
	}
	await releaseClaim(ctx.db, claim);
	return before ? "recreated" : "created";
}

/**
 * What a failed append leaves behind. A 4xx (not 409) is Notion refusing it:
 * nothing was appended, so the claim goes. A timed-out request may still land:
 * the claim stays until it expires. Any other failure (a 5xx, 409, a reset
 * connection) may have appended it, or not: the claim is in doubt from now.
 */
async function afterFailedAppend(ctx: RunContext, claim: BlockClaim, err: unknown): Promise<void> {
	try {
		if (isHTTPResponseError(err) && err.status < 500 && err.status !== 409) await releaseClaim(ctx.db, claim);
		else if (!(err instanceof NotionTimeoutError)) await settleClaim(ctx.db, claim, Date.now());
	} catch {
		// D1 failing too: the claim stays until it expires, and is then in doubt.
	}
}

/** Waits until the claim is released, settled or expired; too long, and the queue tries later. */
async function waitForClaim(ctx: RunContext, held: BlockClaim): Promise<void> {
	const deadline = Date.now() + ctx.claimWaitMs;
	while (Date.now() < Math.min(deadline, held.expiresAt)) {
		await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
		const now = await getBlockClaim(ctx.db, held.route, held.parentId);
		if (!now || now.claimId !== held.claimId || now.expiresAt !== held.expiresAt) return;
	}
	if (Date.now() >= held.expiresAt) return;
	throw new RetryLater(
		`Event ${held.eventId.slice(0, 200)} is appending the ${held.route} block on this page; this run tries again later.`,
	);
}

/** The block a claim's holder appended, if the page has it: named by the claim, or by its content. */
async function findAppended(children: Block[], claim: BlockClaim): Promise<Block | null> {
	const live = children.filter((b) => !isTrashed(b));
	if (claim.blockId) return live.find((b) => normalizeId(b.id) === normalizeId(claim.blockId as string)) ?? null;
	for (const b of live) if ((await sha256Hex(blockKey(b))) === claim.contentHash) return b;
	return null;
}

/** Records the holder's block as the route's block, then makes it show what this run wants. */
async function adopt(ctx: RunContext, t: Target, held: BlockClaim, twin: Block): Promise<KeepResult | "again"> {
	const state = {
		route: t.route,
		parentId: t.parentId,
		blockId: twin.id,
		contentHash: await sha256Hex(blockKey(twin)),
	};
	await putBlockState(ctx.db, state);
	await releaseClaim(ctx.db, held);
	if (state.contentHash === t.hash) return "adopted";
	return (await keepInPlace(ctx, t, { ...state, updatedAt: Date.now() }, twin)) ?? "again";
}
