// Hand-written, not wrangler's unstable_splitSqlQuery: that one refuses files with BEGIN/COMMIT (the gate must split them to report them), gives no line numbers, costs ~1 s of CPU to import and is an unstable API; test/gate/sql-split.test.ts holds the two to the same statements.
import type { Statement } from "./types";

/**
 * Splits a migration file into statements the way D1 sees them: on
 * drizzle-kit's `--> statement-breakpoint` markers and on semicolons outside
 * strings, quoted identifiers, comments and trigger bodies (BEGIN ... END).
 * Comments stay attached to the statement they precede; statements that are
 * only comments or whitespace are dropped, as wrangler drops them.
 */
export function splitStatements(text: string): Statement[] {
	const out: Statement[] = [];
	const source = text.replace(/\r\n/g, "\n");
	let start = 0;
	let i = 0;
	// Depth of CREATE TRIGGER ... BEGIN ... END bodies, whose inner `;` do not end the statement.
	let triggerDepth = 0;
	let inTrigger = false;

	const push = (end: number) => {
		const raw = source.slice(start, end);
		if (stripComments(raw).trim() !== "") {
			const lead = raw.length - raw.trimStart().length;
			const line = source.slice(0, start + lead).split("\n").length;
			out.push({ index: out.length + 1, sql: raw.trim(), line });
		}
		start = end;
		inTrigger = false;
		triggerDepth = 0;
	};

	while (i < source.length) {
		const c = source[i];
		if (source.startsWith("--> statement-breakpoint", i)) {
			push(i);
			i += "--> statement-breakpoint".length;
			start = i;
			continue;
		}
		if (c === "-" && source[i + 1] === "-") {
			const nl = source.indexOf("\n", i);
			i = nl === -1 ? source.length : nl + 1;
			continue;
		}
		if (c === "/" && source[i + 1] === "*") {
			const close = source.indexOf("*/", i + 2);
			i = close === -1 ? source.length : close + 2;
			continue;
		}
		if (c === "'" || c === '"' || c === "`" || c === "[") {
			const close = c === "[" ? "]" : c;
			let j = i + 1;
			while (j < source.length) {
				if (source[j] === close) {
					// A doubled quote is an escaped quote inside the literal.
					if (close !== "]" && source[j + 1] === close) {
						j += 2;
						continue;
					}
					break;
				}
				j++;
			}
			i = j + 1;
			continue;
		}
		if (/[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z0-9_$]/.test(source[i - 1]))) {
			const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(source.slice(i, i + 64))?.[0] ?? c;
			const upper = word.toUpperCase();
			if (upper === "TRIGGER" && /^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?$/i.test(stripComments(source.slice(start, i)))) {
				inTrigger = true;
			} else if (inTrigger && (upper === "BEGIN" || upper === "CASE")) {
				triggerDepth++;
			} else if (inTrigger && upper === "END" && triggerDepth > 0) {
				triggerDepth--;
			}
			i += word.length;
			continue;
		}
		if (c === ";" && !(inTrigger && triggerDepth > 0)) {
			push(i + 1);
			i++;
			continue;
		}
		i++;
	}
	push(source.length);
	return out;
}

/** The statement without comments, for matching keywords. */
export function stripComments(sql: string): string {
	let out = "";
	let i = 0;
	while (i < sql.length) {
		const c = sql[i];
		if (c === "-" && sql[i + 1] === "-") {
			const nl = sql.indexOf("\n", i);
			i = nl === -1 ? sql.length : nl;
			continue;
		}
		if (c === "/" && sql[i + 1] === "*") {
			const close = sql.indexOf("*/", i + 2);
			i = close === -1 ? sql.length : close + 2;
			out += " ";
			continue;
		}
		if (c === "'" || c === '"' || c === "`") {
			let j = i + 1;
			while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
			out += sql.slice(i, j + 1);
			i = j + 1;
			continue;
		}
		out += c;
		i++;
	}
	return out;
}

/** BEGIN / COMMIT / END / ROLLBACK / SAVEPOINT / RELEASE: statements D1 rejects in a migration. */
export function isTransactionControl(sql: string): boolean {
	return /^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(stripComments(sql).trim());
}
