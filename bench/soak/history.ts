/**
 * What the soak records, and what the checker reads: every operation a
 * client made (invoked, completed, what came back), every fault window and
 * kill, the Workers' log lines, and the state read back at the end. Plain
 * data (JSON Lines on disk), so a failed run can be checked again, or read.
 */

export type OpKind =
	| "generate_new"
	| "generate_edit"
	| "hang_up"
	| "remix"
	| "page_latest"
	| "page_pinned"
	| "data_put"
	| "data_delete"
	| "data_get"
	| "sql_put"
	| "sql_get"
	| "notion_automation"
	| "notion_duplicate"
	| "notion_integration";

/**
 * How an operation ended, as the client saw it:
 * - ok: done as asked (a 2xx or 304; a generation's `done`);
 * - refused: a 4xx, Kiln saying no, so nothing may have been written;
 * - failed: a 5xx, or a generation's `error` event;
 * - unknown: no answer (the connection broke, a stream ended without `done` or `error`);
 * - hung_up: the client left on purpose, mid-stream.
 */
export type Outcome = "ok" | "refused" | "failed" | "unknown" | "hung_up";

export interface Op {
	id: number;
	kind: OpKind;
	/** ms since the epoch, the client's clock (the same machine as Kiln's). */
	invokeAt: number;
	completeAt: number;
	outcome: Outcome;
	status?: number;
	/** The error's code: the JSON body's `error.code`, or a generation's `error` event's. */
	code?: string;
	/** A broken connection's message. */
	network?: string;
	/** Set when an error answer was not Kiln's JSON shape: what it was instead. */
	badShape?: string;
	/** Generations and remixes: the project, the version made (`done`), the version edited. */
	project?: string;
	version?: number;
	base?: number;
	/** The tag in the prompt (`[soak:op17]`): how a stored version names the operation that made it. */
	tag?: string;
	/** Data store and SQL: which key (`data|<project>|<collection>/<key>` or `sql|<project>|<key>`). */
	key?: string;
	/** A write's value (the writing op's tag, unique), null for a delete; a read's result, null when absent. */
	value?: string | null;
	/** Notion deliveries: the event id Kiln acknowledged (or would have), its page and route. */
	event?: string;
	page?: string;
	route?: string;
	/** An integration event's type, and who it names as the author (`person` or `bot`). */
	detail?: string;
}

export type FaultKind =
	| "model_429"
	| "model_500"
	| "model_401"
	| "model_stall"
	| "model_cut"
	| "notion_429"
	| "notion_5xx"
	| "notion_timeout"
	| "notion_not_found"
	| "kill";

/** A fault as it happened: for a kill, `start` is the SIGKILL and `end` the moment the new process answered. */
export interface FaultWindow {
	kind: FaultKind;
	start: number;
	end: number;
	detail?: string;
}

/** One line the Kiln process printed, stamped when the soak read it. */
export interface LogLine {
	t: number;
	line: string;
}

export interface StoredVersion {
	number: number;
	parentNumber: number | null;
	prompt: string;
}

export interface NotionBlock {
	id: string;
	type: string;
	/** A callout's emoji: which route wrote it (📋 callout, 👋 welcome, 🗂️ child pages). */
	emoji: string | null;
	inTrash: boolean;
}

/** What the soak read back at the end, through Kiln's public and operator APIs and the fakes' own records. */
export interface FinalState {
	/** GET /api/projects/:id for each project the history knows: 404 means it does not exist. */
	projects: Record<string, { status: number; remixOf?: string; versions: StoredVersion[] }>;
	/** Each key the history wrote or read, read once more: its value (the writer's tag) or null. */
	store: Record<string, { status: number; value: string | null }>;
	/** GET /notion/events/:id for each acknowledged event (null: 404). */
	notionEvents: Record<string, { status: string; lastError: string | null } | null>;
	/** Each seeded page's child blocks, as the fake Notion holds them. */
	notionPages: Record<string, NotionBlock[]>;
	/** Every request the fake Notion received. */
	notionCalls: { at: number; method: string; path: string; status: number | "stalled" }[];
	/** workerd's resident memory (KiB): after warm-up, and at the end of the load. */
	memory: {
		warmKiB: number | null;
		endKiB: number | null;
		/** When the warm reading was taken, ms after the load began. */
		warmAt?: number;
		/** Every 5 s through the load: [ms since the load began, KiB]. */
		samples?: [number, number][];
	};
}

export interface History {
	seed: number;
	/** Kiln answering; the load (after the setup), and its end (before the drain); the end of the read-back. */
	startedAt: number;
	loadStartedAt: number;
	loadEndedAt: number;
	endedAt: number;
	ops: Op[];
	faults: FaultWindow[];
	logs: LogLine[];
	final: FinalState;
}

/** Where a prompt names its operation. */
export const tagOf = (id: number) => `soak-op${id}`;
export const TAG = /\[(soak-op\d+)\]/;
