/**
 * The carry-over of this release (issue 14): documents move from D1's old
 * `app_data` table into each project's own database, with nothing lost.
 *
 * A project's documents are carried before each use of its store (the object
 * does it, one call at a time, see object.ts), and a sweep every minute
 * (the Worker's `scheduled`) carries those of projects nobody opens. Each
 * piece is read from D1, written into the object keeping whichever copy is
 * newer, then deleted from D1 only where the row is still exactly as read.
 * So old code that still serves during the deploy (and writes to D1) loses
 * nothing: its later writes stay in the table and are carried next time; a
 * crash between the write and the delete only carries the piece twice; and
 * `SELECT count(*) FROM app_data` is what is left to carry.
 *
 * Transitional: the check before each use is one D1 query a call, paid in
 * this release only. The next release drops this file, the table from the
 * schema, and the cron (its deploy refuses to go out while the remote table
 * still has rows).
 */

import { deleteCarried, readOldDocuments } from "../../../src/db/app-data";
import { createDb } from "../../../src/db/client";
import { upsertCarried } from "./documents";

/** One piece: a D1 answer and one JSON parameter of its rows stay well inside D1's 2 MB limits. */
export const CARRY_PIECE = { maxRows: 500, maxBytes: 512 * 1024 };
/** Pieces one call may carry (about 16 MiB): a very large store finishes over several calls or sweeps. */
export const CARRY_PIECES_PER_CALL = 32;

export interface Carried {
	/** Documents moved by this call. */
	carried: number;
	/** True when the old table holds nothing more of this project. */
	done: boolean;
}

/** Carries up to `maxPieces` pieces of `project`'s old documents into `storage` (the object's). */
export async function carryOldDocuments(
	storage: DurableObjectStorage,
	d1: D1Database,
	project: string,
	maxPieces = CARRY_PIECES_PER_CALL,
): Promise<Carried> {
	const db = createDb(d1);
	let carried = 0;
	for (let i = 0; i < maxPieces; i++) {
		const docs = await readOldDocuments(db, project, CARRY_PIECE);
		if (docs.length === 0) return { carried, done: true };
		upsertCarried(storage, docs);
		carried += await deleteCarried(db, project, docs);
	}
	const left = await readOldDocuments(db, project, { maxRows: 1, maxBytes: 1 });
	return { carried, done: left.length === 0 };
}
