import { identifierPattern } from "./introspect";
import { stripComments } from "./sql-split";
import type { MigrationFile, Statement } from "./types";

export interface Located {
	file: MigrationFile;
	statement: Statement | null;
}

/** The first statement, across the new files in order, that matches `test`. */
export function locate(files: MigrationFile[], test: (sql: string) => boolean): Located | null {
	for (const file of files) {
		for (const s of file.statements) if (test(stripComments(s.sql))) return { file, statement: s };
	}
	return null;
}

export const ident = (name: string) => identifierPattern(name).source;
const Q = (name: string) => `(?:main\\.)?${ident(name)}`;

/** Regexes for the statements that change a table, by kind. */
export const sqlPatterns = {
	dropTable: (t: string) => new RegExp(`^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?${Q(t)}\\s*;?\\s*$`, "i"),
	renameTable: (t: string) => new RegExp(`^\\s*ALTER\\s+TABLE\\s+${Q(t)}\\s+RENAME\\s+TO\\s+([\\w\`"\\[\\]]+)`, "i"),
	renameColumn: (t: string, c: string) =>
		new RegExp(
			`^\\s*ALTER\\s+TABLE\\s+${Q(t)}\\s+RENAME\\s+(?:COLUMN\\s+)?${ident(c)}\\s+TO\\s+([\\w\`"\\[\\]]+)`,
			"i",
		),
	dropColumn: (t: string, c: string) =>
		new RegExp(`^\\s*ALTER\\s+TABLE\\s+${Q(t)}\\s+DROP\\s+(?:COLUMN\\s+)?${ident(c)}`, "i"),
	addColumn: (t: string, c: string) =>
		new RegExp(`^\\s*ALTER\\s+TABLE\\s+${Q(t)}\\s+ADD\\s+(?:COLUMN\\s+)?${ident(c)}`, "i"),
	createTable: (t: string) => new RegExp(`^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${Q(t)}\\s*\\(`, "i"),
	createIndexOn: (t: string) => new RegExp(`^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\b[\\s\\S]*\\bON\\s+${Q(t)}\\s*\\(`, "i"),
	deleteFrom: (t: string) => new RegExp(`^\\s*(?:WITH\\b[\\s\\S]*?)?DELETE\\s+FROM\\s+${Q(t)}(?![\\w$])`, "i"),
	update: (t: string) => new RegExp(`^\\s*(?:WITH\\b[\\s\\S]*?)?UPDATE\\s+(?:OR\\s+\\w+\\s+)?${Q(t)}(?![\\w$])`, "i"),
	insertInto: (t: string) => new RegExp(`^\\s*INSERT\\s+(?:OR\\s+\\w+\\s+)?INTO\\s+${Q(t)}(?![\\w$])`, "i"),
	mentions: (t: string) => new RegExp(ident(t), "i"),
};

/** Strips quotes from an identifier captured from SQL. */
export function unquote(name: string): string {
	return name.replace(/^[`"[]|[`"\]]$/g, "");
}

/**
 * For drizzle-kit's rebuild `INSERT INTO __new_t(a, b) SELECT x, y FROM t`:
 * the source expression of each target column, so a rebuild that renames
 * a column (`SELECT old_name` into `new_name`) can be recognised.
 */
export function rebuildCopyMap(files: MigrationFile[], table: string): Map<string, string> | null {
	const re = new RegExp(
		`^\\s*INSERT\\s+INTO\\s+[\`"]?__new_${table}[\`"]?\\s*\\(([^)]*)\\)\\s*SELECT\\s+([\\s\\S]*?)\\s+FROM\\s+${Q(table)}`,
		"i",
	);
	const hit = locate(files, (sql) => re.test(sql));
	if (!hit?.statement) return null;
	const m = re.exec(stripComments(hit.statement.sql));
	if (!m) return null;
	const targets = splitTopLevel(m[1]).map(unquote);
	const sources = splitTopLevel(m[2]).map(unquote);
	if (targets.length !== sources.length) return null;
	return new Map(targets.map((t, i) => [t, sources[i]]));
}

function splitTopLevel(list: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let cur = "";
	for (const c of list) {
		if (c === "(") depth++;
		if (c === ")") depth--;
		if (c === "," && depth === 0) {
			out.push(cur.trim());
			cur = "";
		} else cur += c;
	}
	if (cur.trim()) out.push(cur.trim());
	return out;
}
