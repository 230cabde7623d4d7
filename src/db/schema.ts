/**
 * The one Drizzle schema for Kiln's D1 database. Every table lives here;
 * `npm run db:generate` turns changes into a new file in `migrations/`.
 *
 * Grouped by concern: codegen (projects, versions, owners' secrets), notion (events and the
 * Notion requests of their runs, per-block state and its append claims,
 * favicon cache, the pending verification token).
 *
 * Not declared any more: `app_data`, where the apps' document store lived
 * until issue 14 moved it into each project's own database. The table is
 * still in the migrations (and in production) until a later release drops
 * it; until then drizzle-kit sees it in src/db/retired.ts (nothing imports
 * that file): see "The app_data table" in src/gate/README.md.
 */
import { sql } from "drizzle-orm";
import {
	type AnySQLiteColumn,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** Milliseconds since the epoch, set by SQLite so every writer agrees. */
const createdAt = () => integer("created_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

// ---------------------------------------------------------------- codegen

export const projects = sqliteTable(
	"projects",
	{
		/** Public short random slug; also the project's subdomain label. */
		id: text("id").primaryKey(),
		title: text("title").notNull().default(""),
		/** SHA-256 (hex) of the edit token; the token itself is shown once and never stored. */
		editTokenHash: text("edit_token_hash").notNull(),
		remixedFromProject: text("remixed_from_project").references((): AnySQLiteColumn => projects.id, {
			onDelete: "set null",
		}),
		remixedFromVersion: integer("remixed_from_version"),
		createdAt: createdAt(),
		/**
		 * Bumped by every change to the project's secrets (in the same batch): part of its
		 * sandboxes' loader ids, so the next request to its server loads the new values.
		 */
		secretsRevision: integer("secrets_revision").notNull().default(0),
		/** Set by the operator's takedown: its pages, server and data answer 410; nothing is deleted. */
		disabledAt: integer("disabled_at", { mode: "number" }),
		/** The operator's reason for the takedown (shown with the project). */
		disabledReason: text("disabled_reason"),
	},
	(t) => [index("projects_disabled").on(t.disabledAt).where(sql`${t.disabledAt} IS NOT NULL`)],
);

export const versions = sqliteTable(
	"versions",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		/** 1, 2, 3... per project; assigned inside the INSERT so concurrent edits cannot collide. */
		number: integer("number").notNull(),
		/** The version this one was edited from (null for a first version). */
		parentNumber: integer("parent_number"),
		prompt: text("prompt").notNull(),
		/** The page (index.html). */
		code: text("code").notNull(),
		/** The app's server module (server.js), run sandboxed per version; null for a page-only app. */
		server: text("server"),
		/** SHA-256 (hex) of the app's files (`appContentHash`): the ETag of the served app. */
		contentHash: text("content_hash").notNull(),
		provider: text("provider").notNull().default(""),
		model: text("model").notNull().default(""),
		/** JSON: { ttftMs, durationMs, outputTokens, tokensPerSecond }. */
		stats: text("stats", { mode: "json" }).$type<VersionStats | null>(),
		createdAt: createdAt(),
	},
	(t) => [uniqueIndex("versions_project_number").on(t.projectId, t.number)],
);

export interface VersionStats {
	ttftMs: number;
	durationMs: number;
	outputTokens: number;
	tokensPerSecond: number;
}

/**
 * The owner's secrets of a project, which its server reads as `env.NAME`. Values are
 * AES-GCM ciphertext under `KILN_SECRETS_KEY` (workers/codegen/secrets/crypto.ts), bound
 * to the project and name; never returned, logged, remixed or put in a version. In D1,
 * not in the project's own SQL database, which its server code can read whole.
 */
export const projectSecrets = sqliteTable(
	"project_secrets",
	{
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id, { onDelete: "cascade" }),
		/** `[A-Z][A-Z0-9_]{0,63}` (src/shared/secrets.ts). */
		name: text("name").notNull(),
		/** base64 of the 12-byte IV followed by the ciphertext and its tag. */
		value: text("value").notNull(),
		updatedAt: integer("updated_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.name] })],
);

// ----------------------------------------------------------------- notion

/** Every webhook delivery we accepted: idempotency, retries and a replayable log. */
export const notionEvents = sqliteTable(
	"notion_events",
	{
		/** Notion's event id for integration events; a hash of the body for automation calls. */
		id: text("id").primaryKey(),
		/** "automation" or "integration". */
		source: text("source").notNull(),
		route: text("route").notNull(),
		/** JSON body as received. */
		payload: text("payload").notNull(),
		/** "pending" | "running" | "done" | "failed" | "ignored". */
		status: text("status").notNull().default("pending"),
		attempts: integer("attempts").notNull().default(0),
		lastError: text("last_error"),
		createdAt: createdAt(),
		updatedAt: integer("updated_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
	},
	// updated_at: the console's live table asks for what changed since its last look.
	(t) => [index("notion_events_created").on(t.createdAt), index("notion_events_updated").on(t.updatedAt)],
);

/**
 * The Notion requests each run of an event made, for the console: what was
 * asked and how Notion answered. No bodies (the event's payload is in the
 * log already); errors redacted like `last_error`. Deleted with their event
 * (the event log's retention).
 */
export const notionRequests = sqliteTable(
	"notion_requests",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		eventId: text("event_id").notNull(),
		/** The event's attempt that made it (1, 2, ...; a replay continues the count). */
		attempt: integer("attempt").notNull(),
		method: text("method").notNull(),
		/** The API path, e.g. /v1/blocks/<id>/children: ids only, never a secret. */
		path: text("path").notNull(),
		/** Notion's HTTP status; null when no answer came (timeout, connection failure). */
		status: integer("status"),
		/** Notion's error code and message, or why no answer came: redacted, at most 300 characters. */
		error: text("error"),
		durationMs: integer("duration_ms").notNull(),
		/** When it was sent (ms since the epoch). */
		sentAt: integer("sent_at", { mode: "number" }).notNull(),
	},
	(t) => [index("notion_requests_event").on(t.eventId)],
);

/** `lastRun`: which block a route last wrote for a page, so the next run updates it in place. */
export const notionBlockState = sqliteTable(
	"notion_block_state",
	{
		route: text("route").notNull(),
		/** The page (or database) the route acted on. */
		parentId: text("parent_id").notNull(),
		/** The block (callout, child database...) the route created. */
		blockId: text("block_id").notNull(),
		/** Hash of what was last written, to skip writes that change nothing. */
		contentHash: text("content_hash"),
		updatedAt: integer("updated_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
	},
	(t) => [primaryKey({ columns: [t.route, t.parentId] })],
);

/**
 * A run's claim on (route, page) before it appends the route's block there, so
 * that of two runs that would each append one (two different events for the
 * same page arriving together), one appends and the other adopts its block.
 * Deleted once the block's state is recorded. A claim left behind says what
 * was being appended (`contentHash`, and `blockId` once Notion answered), so
 * that whoever comes next can find that block among the page's children
 * instead of appending a second one.
 */
export const notionBlockClaims = sqliteTable(
	"notion_block_claims",
	{
		route: text("route").notNull(),
		parentId: text("parent_id").notNull(),
		/** Random per claim: a takeover or a release names exactly the claim it read. */
		claimId: text("claim_id").notNull(),
		/** The event whose run holds it (its own later attempt recovers at once). */
		eventId: text("event_id").notNull(),
		/** SHA-256 of what the holder appends (see blockKey in workers/notion/blocks.ts). */
		contentHash: text("content_hash").notNull(),
		/** The block Notion created, when its answer arrived but the state could not be written. */
		blockId: text("block_id"),
		/** Until then the holder may still be appending: others wait. After it, the append is in doubt. */
		expiresAt: integer("expires_at", { mode: "number" }).notNull(),
		createdAt: createdAt(),
	},
	(t) => [primaryKey({ columns: [t.route, t.parentId] })],
);

/** Favicon lookups by site origin; `iconUrl` null means "looked, found none". */
export const faviconCache = sqliteTable("favicon_cache", {
	origin: text("origin").primaryKey(),
	iconUrl: text("icon_url"),
	title: text("title"),
	fetchedAt: integer("fetched_at", { mode: "number" }).notNull(),
});

/**
 * The first `verification_token` Notion sent while NOTION_VERIFICATION_TOKEN
 * was unset. The handshake is unauthenticated, so only the first is kept (and
 * logged once); a later, different one is refused until the operator discards
 * this one. At most one row: `slot` is always 1.
 */
export const notionPendingVerification = sqliteTable("notion_pending_verification", {
	slot: integer("slot").primaryKey(),
	/** At most VERIFICATION_TOKEN_MAX characters (checked before writing). */
	token: text("token").notNull(),
	receivedAt: integer("received_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
});
