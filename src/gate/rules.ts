import type { Layer, Severity } from "./types";

export interface Rule {
	layer: Layer;
	/** `breaks-old-code` unless said otherwise: see Severity. */
	severity?: Severity;
	/** One line: what the rule forbids. */
	title: string;
	/** The safe way, in expand / migrate / contract terms. */
	safeWay: string;
}

const makeItRun = (rule: string) =>
	"Make the layer run: the finding names what local D1 (Miniflare's, the engine of wrangler dev) or the test runner refused, and why. " +
	"If production D1 accepts what Miniflare refuses (a ref migration with CREATE TEMPORARY TABLE, say) and you have reviewed the new migrations by hand, " +
	`accept the unjudged layer in a new migration: -- kiln-gate: allow ${rule} -- <what you checked instead, who reviewed it>.`;

const contractLater =
	"Contract in a later release: first deploy code that no longer declares or uses it, then drop it in a migration gated against that release.";

/** Every rule the gate knows; allow annotations must name one of these. */
export const rules = {
	// ---------------------------------------------------------------- layer 1
	"migration-name": {
		layer: 1,
		title: "a migration file name without a leading number",
		safeWay:
			"Name migrations NNNN_description.sql (drizzle-kit generate does); wrangler orders and records them by that number.",
	},
	"migration-number-order": {
		layer: 1,
		title: "a new migration numbered at or below one the ref already has",
		safeWay:
			"Renumber the new file after the ref's last migration (rebase, then drizzle-kit generate again): wrangler applies unapplied files by set difference, so a low number runs out of order in production.",
	},
	"migration-number-duplicate": {
		layer: 1,
		title: "two migration files with the same number",
		safeWay: "Give each migration its own number; regenerate the later one after merging.",
	},
	"migration-number-gap": {
		layer: 1,
		title: "a gap in the new migrations' numbers",
		safeWay:
			"Number new migrations consecutively after the ref's last one; a gap usually means a migration was lost in a merge.",
	},
	"deployed-migration-edited": {
		layer: 1,
		title: "a migration the ref already has was edited or deleted",
		safeWay:
			"Never change a deployed migration: D1 records it by name and will not run it again, so production silently differs from the files. Write a new migration instead.",
	},
	"transaction-control": {
		layer: 1,
		title: "BEGIN / COMMIT / ROLLBACK / SAVEPOINT / RELEASE in a migration",
		safeWay:
			"Remove it: D1 already runs each migration file as one transaction and rejects transaction statements remotely (they may pass locally).",
	},
	"statement-too-large": {
		layer: 1,
		title: "a statement over D1's 100 KB limit",
		safeWay: "Split the statement (for data, several INSERTs or an UPDATE in batches).",
	},
	"allow-annotation-malformed": {
		layer: 1,
		title: "a kiln-gate annotation that is not `-- kiln-gate: allow <rule> -- <reason>`",
		safeWay: "Write `-- kiln-gate: allow <rule> -- <why this is safe, who reviewed it>`; the reason is required.",
	},
	"allow-annotation-unknown-rule": {
		layer: 1,
		title: "a kiln-gate annotation naming a rule the gate does not have",
		safeWay: "Use one of the rule names the gate prints (npm run gate -- --rules lists them).",
	},
	// The class guard (durable-objects.ts): wrangler configs, not migrations. Its exceptions are
	// comments in a wrangler config that name the class: # kiln-gate: allow <rule> <Class> -- <reason>.
	"durable-object-deleted": {
		layer: 1,
		title: "a wrangler config deletes a Durable Object class the deployed release has (deleted_classes)",
		safeWay:
			"Keep the class: leave its binding and migrations as they are (a class whose code no longer uses it costs nothing). If its data must really go, export what is worth keeping first, then commit a reviewed exception in the config: # kiln-gate: allow durable-object-deleted <Class> -- <why, what was exported, who reviewed it>.",
	},
	"durable-object-renamed": {
		layer: 1,
		title: "a wrangler config renames or transfers a Durable Object class the deployed release has",
		safeWay:
			"Keep the class name: rename the TypeScript class and export it under the old name too (export { NewName as OldName }), so the data never moves. If it must move, plan the deploy (every binding and script that names the class in the same deploy, no rollback), then commit a reviewed exception in the config: # kiln-gate: allow durable-object-renamed <OldClass> -- <why, who reviewed it>.",
	},
	"durable-object-dropped": {
		layer: 1,
		title:
			"a wrangler config drops the binding or the creating migration of a Durable Object class the deployed release has",
		safeWay:
			"Keep every [[migrations]] entry that has been deployed, unchanged (they are history, like applied SQL migrations), and keep the class bound in each environment that has it. If the class is really to go, that is a deletion: see durable-object-deleted; a reviewed exception reads # kiln-gate: allow durable-object-dropped <Class> -- <why, who reviewed it>.",
	},
	"wrangler-config-unreadable": {
		layer: 1,
		title: "a wrangler config the class guard cannot parse",
		safeWay:
			"Fix the config (wrangler would refuse it too). If the ref's own config is what does not parse, check its Durable Object classes by hand and commit a reviewed exception in the work tree's config: # kiln-gate: allow wrangler-config-unreadable <path of the config> -- <what you checked, who>.",
	},
	// ---------------------------------------------------------------- layer 2
	"schema-diff-not-run": {
		layer: 2,
		title: "the schema diff could not run (the ref's or the new schema could not be built on local D1)",
		safeWay: makeItRun("schema-diff-not-run"),
	},
	"migration-fails": {
		layer: 2,
		title: "a migration that fails to apply on the ref's schema",
		safeWay:
			"Fix the SQL; the statement and SQLite's error are in the finding. D1 would roll back this file and keep the earlier ones applied.",
	},
	"declared-table-dropped": {
		layer: 2,
		title: "a table the ref's code declares was dropped",
		safeWay: contractLater,
	},
	"declared-table-renamed": {
		layer: 2,
		title: "a table the ref's code declares was renamed",
		safeWay:
			"Expand: create the new table and copy (or dual-write) the data; move the code to the new table in a release; contract: drop the old table in a later release.",
	},
	"declared-column-dropped": {
		layer: 2,
		title: "a column the ref's code declares was dropped",
		safeWay: `Drizzle names every declared column in its INSERTs and SELECTs, so even an unused declared column must stay. ${contractLater}`,
	},
	"declared-column-renamed": {
		layer: 2,
		title: "a column the ref's code declares was renamed",
		safeWay:
			"Expand: add the new column (nullable) and backfill it; release code that writes both and reads the new one; contract: drop the old column in a later release.",
	},
	"declared-column-made-not-null": {
		layer: 2,
		title: "a declared nullable column became NOT NULL",
		safeWay:
			"Drizzle sends an explicit NULL for declared columns the code leaves out, which bypasses any DEFAULT. First release code that always writes the column (and backfill), then tighten it in a later migration.",
	},
	"declared-default-dropped": {
		layer: 2,
		title: "the DEFAULT of a NOT NULL column the ref's code uses was dropped",
		safeWay:
			"Raw INSERTs of the ref's code that leave the column out rely on the DEFAULT. Keep it until a release writes the column everywhere.",
	},
	"not-null-column-without-default": {
		layer: 2,
		title: "a new NOT NULL column without a DEFAULT on a table the ref's code writes",
		safeWay:
			"The ref's INSERTs do not know the column. Add it nullable or with a DEFAULT; once every writer sets it, tighten it in a later release.",
	},
	"column-type-changed": {
		layer: 2,
		title: "a declared column's type (affinity) changed",
		safeWay: "Expand: add a column of the new type and backfill; move the code; contract: drop the old column later.",
	},
	"primary-key-changed": {
		layer: 2,
		title: "a declared table's primary key changed",
		safeWay: "Expand with a new table (or a unique index) beside the old key; move the code; contract later.",
	},
	"unique-index-added": {
		layer: 2,
		title: "a new UNIQUE index or constraint on declared columns",
		safeWay:
			"The ref's code may write duplicates (and existing rows may have them). First release code that avoids duplicates and deduplicate the data, then add the index.",
	},
	"unique-index-declared": {
		layer: 2,
		severity: "deploy-risk",
		title: "a new UNIQUE index the ref's Drizzle schema already declares (rows written before may repeat)",
		safeWay:
			"The ref's code means these columns unique, so it is not what breaks; data written before the index existed might repeat. Run the query in the finding on production: no rows, and the migration is safe (say so: -- kiln-gate: allow unique-index-declared -- <query run, when, by whom>); rows, and deduplicate them in an earlier migration first.",
	},
	"check-added": {
		layer: 2,
		title: "a new CHECK constraint on declared columns",
		safeWay:
			"The ref's code may write values the CHECK rejects. Release code that only writes valid values (and fix the data) first, then add the CHECK.",
	},
	"check-tightened": {
		layer: 2,
		title: "a CHECK constraint now rejects a value the ref's schema allowed",
		safeWay:
			"Widening a CHECK is safe; narrowing it needs code that stops writing the value first, then a later migration.",
	},
	"foreign-key-added": {
		layer: 2,
		title: "a new FOREIGN KEY on declared columns",
		safeWay:
			"The ref's code may write rows whose parent does not exist. Release code that guarantees the parent first (and clean the data), then add the key.",
	},
	"cascade-parent-rebuilt": {
		layer: 2,
		title: "a table with ON DELETE CASCADE / SET NULL children is dropped and recreated",
		safeWay:
			"On D1, PRAGMA foreign_keys=OFF (which drizzle-kit writes around every rebuild) does nothing inside the migration's transaction, so DROP TABLE of the parent deletes (or nulls) every child row. Do not rebuild parent tables: use ALTER TABLE ADD COLUMN, or add the constraint in the code, or copy the children aside before the DROP and write them back after it in the same migration (the gate then lets the rebuild pass, and the data rehearsal checks that no row is lost).",
	},
	// ---------------------------------------------------------------- layer 3
	"old-tests-not-run": {
		layer: 3,
		title: "the ref has db tests, but they could not be run on its schema and the new one",
		safeWay: makeItRun("old-tests-not-run"),
	},
	"old-test-fails": {
		layer: 3,
		title: "a database test of the ref passes on its own migrations and fails on the new ones",
		safeWay:
			"The ref's code, live while the migration runs, does what the test does. Make the migration additive (expand), move the code in a release, contract later.",
	},
	// ---------------------------------------------------------------- layer 4
	"rehearsal-not-run": {
		layer: 4,
		title: "the data rehearsal could not run (the ref's schema could not be built and filled on local D1)",
		safeWay: makeItRun("rehearsal-not-run"),
	},
	"rows-lost": {
		layer: 4,
		title: "a table lost rows that no statement deletes on purpose",
		safeWay:
			"Usually a rebuilt parent table firing ON DELETE CASCADE. Avoid the rebuild; if rows must go, delete them with an explicit DELETE so the intent is visible.",
	},
	"migration-fails-on-data": {
		layer: 4,
		severity: "deploy-risk",
		title: "the new migrations fail on a database that holds rows",
		safeWay:
			"Rows written by the ref's code violate the new schema (a tightened CHECK, a new UNIQUE, NOT NULL on NULLs). Clean or backfill the data in an earlier migration, or keep the schema looser.",
	},
	"values-changed": {
		layer: 4,
		title: "a column's values changed that no statement updates on purpose",
		safeWay:
			"Usually a column dropped and added again, which resets every row to the DEFAULT. Keep the column (change what is needed with an explicit UPDATE), or copy the values aside and write them back in the same migration.",
	},
	"values-nulled": {
		layer: 4,
		title: "a column lost values that no statement updates on purpose",
		safeWay:
			"Usually a rebuilt parent table firing ON DELETE SET NULL. Avoid the rebuild; if values must change, UPDATE them explicitly.",
	},
} satisfies Record<string, Rule>;

export type RuleId = keyof typeof rules;

/** The finding each database layer reports when it should have judged and could not. */
export const couldNotRunRule = {
	2: "schema-diff-not-run",
	3: "old-tests-not-run",
	4: "rehearsal-not-run",
} as const satisfies Record<2 | 3 | 4, RuleId>;

export function severityOf(rule: RuleId): Severity {
	return (rules[rule] as Rule).severity ?? "breaks-old-code";
}

export function isRule(id: string): id is RuleId {
	return Object.hasOwn(rules, id);
}
