import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors";
import { listDirAt, readBlobsAt } from "./git";
import { splitStatements } from "./sql-split";
import type { AllowAnnotation, MigrationFile } from "./types";

/**
 * `-- kiln-gate: allow <rule> -- <reason>`. The reason is mandatory: an
 * exception nobody explained is not a reviewed exception.
 */
const ALLOW = /^\s*--\s*kiln-gate:\s*allow\s+([\w-]+)\s*(?:--\s*(.*))?$/;

export function parseAllows(text: string): { allows: AllowAnnotation[]; malformed: { line: number; text: string }[] } {
	const allows: AllowAnnotation[] = [];
	const malformed: { line: number; text: string }[] = [];
	text.split(/\r?\n/).forEach((lineText, i) => {
		if (!/^\s*--\s*kiln-gate\b/.test(lineText)) return;
		const m = ALLOW.exec(lineText);
		const reason = m?.[2]?.trim() ?? "";
		if (!m || reason === "") malformed.push({ line: i + 1, text: lineText.trim() });
		else allows.push({ rule: m[1], reason, line: i + 1 });
	});
	return { allows, malformed };
}

/** The leading number of `NNNN_name.sql`, as wrangler reads it (`parseInt` of the part before `_`). */
export function migrationNumber(name: string): number | null {
	const m = /^(\d+)_/.exec(name);
	return m ? Number.parseInt(m[1], 10) : null;
}

export function parseMigration(name: string, text: string): MigrationFile {
	return {
		name,
		number: migrationNumber(name),
		text,
		statements: splitStatements(text),
		allows: parseAllows(text).allows,
	};
}

/** wrangler's order: by number; names without a number last, then by name. */
export function sortMigrations(files: MigrationFile[]): MigrationFile[] {
	return [...files].sort(
		(a, b) =>
			(a.number ?? Number.POSITIVE_INFINITY) - (b.number ?? Number.POSITIVE_INFINITY) || a.name.localeCompare(b.name),
	);
}

/** The work tree's migrations, as they are on disk (committed or not). */
export function readWorkTreeMigrations(root: string, dir: string): MigrationFile[] {
	const abs = path.join(root, dir);
	if (!existsSync(abs) || !statSync(abs).isDirectory()) {
		throw new UsageError(`the work tree has no migrations folder at ${dir}/ (looked in ${abs}).`);
	}
	const names = readdirSync(abs).filter((n) => n.endsWith(".sql"));
	return sortMigrations(names.map((n) => parseMigration(n, readFileSync(path.join(abs, n), "utf8"))));
}

/** The migrations `commit` has, read straight from git objects (no checkout). */
export function readMigrationsAt(root: string, commit: string, ref: string, dir: string): MigrationFile[] {
	const names = listDirAt(root, commit, dir);
	if (names === null) {
		throw new UsageError(
			`"${ref}" has no ${dir}/ folder, so there is nothing to compare against. ` +
				"Pass a ref from after the first migration was committed (or deploy without a gate for the very first release).",
		);
	}
	const sql = names.filter((n) => n.endsWith(".sql"));
	const blobs = readBlobsAt(
		root,
		commit,
		sql.map((n) => `${dir}/${n}`),
	);
	return sortMigrations(sql.map((n) => parseMigration(n, blobs.get(`${dir}/${n}`) ?? "")));
}
