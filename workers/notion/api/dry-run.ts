/**
 * The Notion client of a dry run (the console's "what would it write?"):
 * reads go to Notion as in any run, every write is noted instead of sent.
 * Automations cannot tell the difference, so the report is what a real run
 * would write now.
 */
import type { BlockObjectRequest, UpdateBlockParameters, UpdatePageParameters } from "@notionhq/client";
import { type Block, NotionApi } from "./client";

/** A write a dry run would have sent. */
export interface PlannedWrite {
	method: "PATCH";
	path: string;
	body: unknown;
}

export class DryRunNotion extends NotionApi {
	readonly writes: PlannedWrite[] = [];

	override async updatePage({ page_id, ...body }: UpdatePageParameters): Promise<unknown> {
		this.writes.push({ method: "PATCH", path: `/v1/pages/${page_id}`, body });
		return { object: "page", id: page_id };
	}

	override async updateBlock({ block_id, ...body }: UpdateBlockParameters): Promise<unknown> {
		this.writes.push({ method: "PATCH", path: `/v1/blocks/${block_id}`, body });
		return { object: "block", id: block_id };
	}

	override async append(blockId: string, children: BlockObjectRequest[]): Promise<Block[]> {
		this.writes.push({ method: "PATCH", path: `/v1/blocks/${blockId}/children`, body: { children } });
		return children.map((c, i) => ({ ...(c as Record<string, unknown>), id: `dry-run-${i}` }) as Block);
	}
}
