import { finding } from "./findings";
import { parseAllows } from "./migration-files";
import { isRule } from "./rules";
import { isTransactionControl, stripComments } from "./sql-split";
import type { Finding, MigrationFile } from "./types";

const MAX_STATEMENT_BYTES = 100 * 1024;

/**
 * Layer 1: checks that need no database. `oldFiles` are the ref's
 * migrations, `files` the work tree's; `added` the files only the work tree has.
 *
 * PRAGMA foreign_keys is not a finding here: drizzle-kit writes it around
 * every table rebuild, and it matters only where a cascade is at stake, which
 * layer 2 (cascade-parent-rebuilt) and layer 4 (rows-lost) judge on the schema
 * and on rows.
 */
export function staticChecks(
	oldFiles: MigrationFile[],
	files: MigrationFile[],
	added: MigrationFile[],
): { findings: Finding[]; notes: string[] } {
	const out: Finding[] = [];
	const notes: string[] = [];
	const current = new Map(files.map((f) => [f.name, f]));

	for (const old of oldFiles) {
		const now = current.get(old.name);
		if (!now) {
			out.push(
				finding(
					"deployed-migration-edited",
					old.name,
					null,
					`${old.name} is in the ref but no longer in the work tree.`,
					"The deployed database has this migration applied; deleting the file makes a fresh database (local, tests, a new account) differ from production.",
				),
			);
		} else if (now.text !== old.text) {
			out.push(
				finding(
					"deployed-migration-edited",
					old.name,
					firstChangedStatement(old, now),
					`${old.name} differs from the ref's copy.`,
					"D1 recorded this file as applied and will not run it again, so production keeps the ref's version while fresh databases get the edited one.",
				),
			);
		}
	}

	const oldMax = Math.max(-1, ...oldFiles.map((f) => f.number ?? -1));
	const byNumber = new Map<number, string[]>();
	for (const f of files) if (f.number !== null) byNumber.set(f.number, [...(byNumber.get(f.number) ?? []), f.name]);

	for (const f of added) {
		if (f.number === null) {
			out.push(
				finding(
					"migration-name",
					f.name,
					null,
					`${f.name} has no migration number (expected NNNN_name.sql).`,
					"wrangler sorts by the leading number; without one the file's place in the order is undefined.",
				),
			);
			continue;
		}
		// A branch merged late often brings a number the ref already has. wrangler applies
		// it after the ref's files in production, and in name order on a fresh database:
		// harmless when it touches nothing those files touch, since then the order cannot matter.
		const sameNumber = (f.number <= oldMax || (byNumber.get(f.number) ?? []).length > 1) && orderFree(f, files);
		if (sameNumber) {
			notes.push(sameNumber);
			continue;
		}
		if (f.number <= oldMax) {
			out.push(
				finding(
					"migration-number-order",
					f.name,
					null,
					`${f.name} is numbered ${f.number}, but the ref already has migrations up to ${oldMax}.`,
					"Production would apply it after the ref's newer migrations, in an order no test has run.",
				),
			);
		}
		const same = byNumber.get(f.number) ?? [];
		if (same.length > 1) {
			out.push(
				finding(
					"migration-number-duplicate",
					f.name,
					null,
					`${same.join(" and ")} share the number ${f.number}.`,
					"Their relative order depends on file names, not on intent.",
				),
			);
		}
	}

	// New numbers must continue the ref's sequence without holes.
	const newNumbers = [...new Set(added.map((f) => f.number).filter((n): n is number => n !== null && n > oldMax))].sort(
		(a, b) => a - b,
	);
	let expected = oldMax + 1;
	for (const n of newNumbers) {
		if (n !== expected) {
			const f = added.find((a) => a.number === n) as MigrationFile;
			out.push(
				finding(
					"migration-number-gap",
					f.name,
					null,
					`${f.name} is numbered ${n}, but the next free number is ${expected}: migration${n - expected > 1 ? "s" : ""} ${range(expected, n - 1)} ${n - expected > 1 ? "are" : "is"} missing.`,
					"A missing number usually means a migration was lost or renamed in a merge.",
				),
			);
		}
		expected = n + 1;
	}

	for (const f of added) {
		const { malformed } = parseAllows(f.text);
		for (const m of malformed) {
			out.push(
				finding(
					"allow-annotation-malformed",
					f.name,
					null,
					`line ${m.line}: "${m.text}" is not a valid exception (it needs a rule and a reason).`,
					"An exception without a reason cannot be reviewed, so it is not honoured.",
				),
			);
		}
		for (const a of f.allows) {
			if (!isRule(a.rule)) {
				out.push(
					finding(
						"allow-annotation-unknown-rule",
						f.name,
						null,
						`line ${a.line}: the gate has no rule "${a.rule}".`,
						"The exception matches nothing, so whatever it meant to allow is still blocked (or it is a typo).",
					),
				);
			}
		}
		for (const s of f.statements) {
			const sql = stripComments(s.sql).trim();
			if (isTransactionControl(sql)) {
				out.push(
					finding(
						"transaction-control",
						f.name,
						s,
						`statement ${s.index} controls a transaction (${sql.split(/\s+/)[0].toUpperCase()}).`,
						"Remote D1 rejects transaction statements, so the deploy would fail halfway through the migrations.",
					),
				);
			}
			if (Buffer.byteLength(s.sql) > MAX_STATEMENT_BYTES) {
				out.push(
					finding(
						"statement-too-large",
						f.name,
						s,
						`statement ${s.index} is ${Math.round(Buffer.byteLength(s.sql) / 1024)} KB; D1 accepts at most 100 KB.`,
						"The remote apply would fail on this file.",
					),
				);
			}
		}
	}
	return { findings: out, notes };
}

/**
 * For a file numbered at or below others: when it touches (creates, alters,
 * writes, reads, references) no table, index, view or trigger that any other
 * file numbered the same or later touches, a note saying so; otherwise null.
 */
function orderFree(f: MigrationFile, files: MigrationFile[]): string | null {
	const mine = objectsTouched(f);
	if (mine.size === 0) return null;
	const others = files.filter((o) => o !== f && o.number !== null && f.number !== null && o.number >= f.number);
	for (const o of others) for (const name of objectsTouched(o)) if (mine.has(name)) return null;
	return `${f.name} shares its number with, or comes before, ${others.map((o) => o.name).join(", ")} (a branch merged late); it passes because it touches none of their tables (${[...mine].join(", ")}), so the order they run in cannot change the result.`;
}

/** Names of the tables, indexes, views and triggers a migration's statements mention after a keyword that names one. */
export function objectsTouched(f: MigrationFile): Set<string> {
	const out = new Set<string>();
	const name =
		/\b(?:TABLE|INTO|UPDATE(?:\s+OR\s+\w+)?|FROM|JOIN|ON|REFERENCES|INDEX|VIEW|TRIGGER|RENAME\s+TO)(?:\s+IF(?:\s+NOT)?\s+EXISTS)?\s+(?:main\.)?([`"[]?)([\w$]+)[`"\]]?/gi;
	for (const s of f.statements) {
		const sql = stripComments(s.sql).replace(/'(?:[^']|'')*'/g, "''");
		for (const m of sql.matchAll(name)) out.add(m[2].toLowerCase());
	}
	return out;
}

function range(a: number, b: number): string {
	const pad = (n: number) => String(n).padStart(4, "0");
	return a === b ? pad(a) : `${pad(a)}..${pad(b)}`;
}

function firstChangedStatement(old: MigrationFile, now: MigrationFile) {
	return now.statements.find((s, i) => old.statements[i]?.sql !== s.sql) ?? now.statements[0] ?? null;
}
