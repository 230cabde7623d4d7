import type { D1Database } from "@cloudflare/workers-types";
import type { DeclaredSchema, DeclaredTable } from "./declared-schema";
import { finding } from "./findings";
import { affinity, columnsIn, type SchemaModel, type TableInfo } from "./introspect";
import { ident, locate, rebuildCopyMap, sqlPatterns, unquote } from "./locate";
import { stripComments } from "./sql-split";
import type { Finding, MigrationFile } from "./types";

const CASCADING = new Set(["CASCADE", "SET NULL", "SET DEFAULT"]);

/**
 * Layer 2: compares the ref's schema with the work tree's (both built by
 * applying the migrations to real local D1 databases) and judges each
 * difference against what the ref's code declares. Classifying the schema
 * delta rather than the SQL text means a column-preserving drizzle-kit
 * rebuild is not a finding by itself; what changed inside it is.
 */
export async function schemaDiff(
	oldSchema: SchemaModel,
	newSchema: SchemaModel,
	declared: DeclaredSchema,
	added: MigrationFile[],
	scratch: D1Database,
): Promise<Finding[]> {
	const out: Finding[] = [];
	const at = (test: (sql: string) => boolean) => locate(added, test);
	const push = (rule: Parameters<typeof finding>[0], where: ReturnType<typeof at>, message: string, breaks: string) =>
		out.push(finding(rule, where?.file.name ?? added[0]?.name ?? null, where?.statement ?? null, message, breaks));

	for (const decl of declared.tables.values()) {
		const oldT = oldSchema.tables.get(decl.name);
		if (!oldT) continue; // declared but never created by the ref's migrations: not this change's doing
		const newT = newSchema.tables.get(decl.name);
		const code = `the ref's Drizzle table "${decl.name}"`;
		if (!newT) {
			const renamed = at((s) => sqlPatterns.renameTable(decl.name).test(s));
			if (renamed) {
				const to = unquote(sqlPatterns.renameTable(decl.name).exec(renamed.statement?.sql ?? "")?.[1] ?? "?");
				push(
					"declared-table-renamed",
					renamed,
					`table ${decl.name} is renamed to ${to}.`,
					`${code}: every query of the ref's code on it fails with "no such table: ${decl.name}".`,
				);
			} else {
				push(
					"declared-table-dropped",
					at((s) => sqlPatterns.dropTable(decl.name).test(s)) ?? at((s) => sqlPatterns.mentions(decl.name).test(s)),
					`table ${decl.name} is dropped.`,
					`${code}: every query of the ref's code on it fails with "no such table: ${decl.name}".`,
				);
			}
			continue;
		}
		await judgeTable(decl, oldT, newT, at, push, scratch);
	}

	// The D1 data-loss trap: DROP TABLE of a parent fires its children's ON DELETE actions.
	for (const parent of oldSchema.tables.values()) {
		if (!newSchema.tables.has(parent.name)) continue; // dropped for good: judged above
		const drop = at((s) => sqlPatterns.dropTable(parent.name).test(s));
		if (!drop) continue;
		const children = [...oldSchema.tables.values()].flatMap((t) =>
			t.foreignKeys.filter((f) => f.table === parent.name && CASCADING.has(f.onDelete)).map((f) => ({ t, f })),
		);
		if (children.length === 0) continue;
		// The README's own advice: copy the children aside and restore them in the same
		// file. Then the cascade is undone before the file commits, and layer 4 (which
		// judges on its own) proves on real rows that nothing is lost or nulled.
		const unrestored = children.filter(({ t }) => !restoredInSameFile(drop.file, t.name, parent.name));
		if (unrestored.length === 0) continue;
		const list = children.map(({ t, f }) => `${t.name}.${f.from.join(",")} (ON DELETE ${f.onDelete})`).join(", ");
		push(
			"cascade-parent-rebuilt",
			drop,
			`table ${parent.name} is dropped and recreated while ${list} reference${children.length > 1 ? "" : "s"} it.`,
			`the data the ref's code reads: on D1 the DROP TABLE deletes or nulls every referencing row in ${[...new Set(children.map((c) => c.t.name))].join(", ")} (PRAGMA foreign_keys=OFF does not apply inside the migration).`,
		);
	}
	return out;
}

/**
 * Whether `file` copies `child` aside before dropping `parent` and writes it
 * back afterwards: `CREATE TABLE keep AS SELECT ... FROM child` or `INSERT
 * INTO keep ... FROM child` first, then `INSERT`/`REPLACE`/`UPDATE` of
 * `child` reading `keep` after the DROP.
 */
function restoredInSameFile(file: MigrationFile, child: string, parent: string): boolean {
	const statements = file.statements.map((s) => stripComments(s.sql));
	const drop = statements.findIndex((s) => sqlPatterns.dropTable(parent).test(s));
	if (drop === -1) return false;
	const readsFrom = (t: string) => new RegExp(`\\bFROM\\s+(?:main\\.)?${ident(t)}(?![\\w$])`, "i");
	const target =
		/^\s*(?:CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?|INSERT\s+(?:OR\s+\w+\s+)?INTO\s+)([\w`"[\]]+)/i;
	const copies = statements
		.slice(0, drop)
		.filter((s) => readsFrom(child).test(s))
		.map((s) => unquote(target.exec(s)?.[1] ?? ""))
		.filter((keep) => keep !== "" && keep !== child);
	const writesChild = (s: string) =>
		sqlPatterns.insertInto(child).test(s) ||
		sqlPatterns.update(child).test(s) ||
		new RegExp(`^\\s*REPLACE\\s+INTO\\s+(?:main\\.)?${ident(child)}`, "i").test(s);
	return statements.slice(drop + 1).some((s) => writesChild(s) && copies.some((keep) => readsFrom(keep).test(s)));
}

type Push = (
	rule: Parameters<typeof finding>[0],
	where: ReturnType<typeof locate>,
	message: string,
	breaks: string,
) => void;

async function judgeTable(
	decl: DeclaredTable,
	oldT: TableInfo,
	newT: TableInfo,
	at: (test: (sql: string) => boolean) => ReturnType<typeof locate>,
	push: Push,
	scratch: D1Database,
): Promise<void> {
	const t = decl.name;
	const declaredNames = new Set(decl.columns.map((c) => c.name));
	const newCols = new Map(newT.columns.map((c) => [c.name, c]));
	const oldCols = new Map(oldT.columns.map((c) => [c.name, c]));
	const rebuilt = at((s) => sqlPatterns.dropTable(t).test(s));
	const copy = rebuilt ? rebuildCopyMap([rebuilt.file], t) : null;
	const renamedTo = new Set<string>();
	const where = (c: string) => `${t}.${c}`;
	const inserts = `every INSERT of the ref's code into ${t} (Drizzle lists each declared column)`;

	for (const dc of decl.columns) {
		const oc = oldCols.get(dc.name);
		if (!oc) continue; // declared but absent at the ref: the ref's own bug, not this migration's
		const nc = newCols.get(dc.name);
		if (!nc) {
			const rename = at((s) => sqlPatterns.renameColumn(t, dc.name).test(s));
			const viaRebuild = copy ? [...copy.entries()].find(([, src]) => src === dc.name)?.[0] : undefined;
			if (rename || viaRebuild) {
				const to = rename
					? unquote(sqlPatterns.renameColumn(t, dc.name).exec(rename.statement?.sql ?? "")?.[1] ?? "?")
					: viaRebuild;
				if (to) renamedTo.add(to);
				push(
					"declared-column-renamed",
					rename ?? rebuilt,
					`column ${where(dc.name)} is renamed to ${to}${rename ? "" : " (inside a table rebuild)"}.`,
					`the ref's code declares ${where(dc.name)}: its SELECTs fail with "no such column: ${dc.name}" and its INSERTs with "table ${t} has no column named ${dc.name}".`,
				);
			} else {
				push(
					"declared-column-dropped",
					at((s) => sqlPatterns.dropColumn(t, dc.name).test(s)) ?? rebuilt,
					`column ${where(dc.name)} is dropped.`,
					`the ref's code declares ${where(dc.name)}${dc.notNull ? "" : " (even if it never reads it)"}: ${inserts} and every full SELECT fail with "no such column".`,
				);
			}
			continue;
		}
		if (affinity(oc.type) !== affinity(nc.type)) {
			push(
				"column-type-changed",
				at((s) => sqlPatterns.createTable(`__new_${t}`).test(s)) ??
					rebuilt ??
					at((s) => sqlPatterns.mentions(t).test(s)),
				`column ${where(dc.name)} changes from ${oc.type || "(none)"} to ${nc.type || "(none)"} (affinity ${affinity(oc.type)} to ${affinity(nc.type)}).`,
				`the ref's code reads and writes ${where(dc.name)} as ${dc.sqlType}; values are stored and compared differently now.`,
			);
		}
		// A column the Drizzle schema declares notNull is one the code always writes (its
		// INSERT type requires it), so it never sends the NULL the constraint refuses.
		if (!oc.notNull && nc.notNull && oc.pk === 0 && !dc.notNull) {
			push(
				"declared-column-made-not-null",
				rebuilt ?? at((s) => sqlPatterns.mentions(t).test(s)),
				`column ${where(dc.name)} becomes NOT NULL${nc.default !== null ? ` (with DEFAULT ${nc.default})` : ""}.`,
				`${inserts} that leave ${dc.name} out send NULL explicitly, which bypasses any DEFAULT: "NOT NULL constraint failed: ${where(dc.name)}".`,
			);
		}
		if (nc.notNull && oc.default !== null && nc.default === null) {
			push(
				"declared-default-dropped",
				rebuilt ?? at((s) => sqlPatterns.mentions(t).test(s)),
				`column ${where(dc.name)} loses its DEFAULT ${oc.default} and stays NOT NULL.`,
				`raw INSERTs of the ref's code that leave ${dc.name} out relied on the DEFAULT: "NOT NULL constraint failed: ${where(dc.name)}".`,
			);
		}
	}

	const pk = (x: TableInfo) =>
		x.columns
			.filter((c) => c.pk > 0)
			.sort((a, b) => a.pk - b.pk)
			.map((c) => c.name)
			.join(",");
	if (pk(oldT) !== pk(newT) && [...declaredNames].some((c) => newCols.has(c))) {
		push(
			"primary-key-changed",
			rebuilt ?? at((s) => sqlPatterns.mentions(t).test(s)),
			`the primary key of ${t} changes from (${pk(oldT) || "rowid"}) to (${pk(newT) || "rowid"}).`,
			`the ref's code relies on (${pk(oldT) || "rowid"}) for lookups and ON CONFLICT targets of ${t}.`,
		);
	}

	for (const nc of newT.columns) {
		if (oldCols.has(nc.name) || renamedTo.has(nc.name) || nc.hidden !== 0) continue;
		if (nc.notNull && nc.default === null && !(nc.pk > 0 && affinity(nc.type) === "INTEGER")) {
			push(
				"not-null-column-without-default",
				at((s) => sqlPatterns.addColumn(t, nc.name).test(s)) ?? rebuilt ?? at((s) => sqlPatterns.mentions(t).test(s)),
				`new column ${where(nc.name)} is NOT NULL without a DEFAULT.`,
				`the ref's INSERTs into ${t} do not set ${nc.name}: "NOT NULL constraint failed: ${where(nc.name)}".`,
			);
		}
	}

	for (const idx of newT.indexes) {
		if (!idx.unique || idx.origin === "pk") continue;
		const verdict = judgeUniqueIndex(idx, decl, oldT, newT);
		if (verdict === "cannot-collide") continue;
		const cols = idx.columns.map((c) => c ?? "<expression>").join(", ");
		const where =
			at((s) => /UNIQUE/i.test(s) && sqlPatterns.createIndexOn(t).test(s) && sqlPatterns.mentions(idx.name).test(s)) ??
			at((s) => /UNIQUE/i.test(s) && sqlPatterns.mentions(t).test(s)) ??
			rebuilt;
		const what = `new unique ${idx.origin === "u" ? "constraint" : `index ${idx.name}`} on ${t}(${cols})`;
		const named = cols
			.split(", ")
			.map((c) => `"${c}"`)
			.join(", ");
		const duplicates = `SELECT ${named}, count(*) FROM "${t}" GROUP BY ${named} HAVING count(*) > 1`;
		if (verdict === "declared")
			push(
				"unique-index-declared",
				where,
				`${what}, which the ref's Drizzle schema already declares unique.`,
				`the deploy, if production holds duplicates: the database never enforced what the code declares, so rows written before may repeat (${cols}), and the migration fails on them. Check production first: ${duplicates}`,
			);
		else
			push(
				"unique-index-added",
				where,
				`${what}.`,
				`the ref's code may write duplicate (${cols}) into ${t}: "UNIQUE constraint failed"; existing duplicates make the migration itself fail (${duplicates}).`,
			);
	}

	const norm = (s: string) => s.replace(/\s+/g, " ").replace(/[`"]/g, "").trim().toLowerCase();
	const oldChecks = oldT.checks.map((c) => ({ expr: c, n: norm(c), cols: columnsIn(c, oldT) }));
	for (const chk of newT.checks) {
		if (oldChecks.some((o) => o.n === norm(chk))) continue;
		const cols = columnsIn(chk, newT).filter((c) => declaredNames.has(c));
		if (cols.length === 0) continue;
		const loc = rebuilt ?? at((s) => /CHECK/i.test(s) && sqlPatterns.mentions(t).test(s));
		const before = oldChecks.filter((o) => o.cols.some((c) => cols.includes(c)));
		if (before.length === 0) {
			push(
				"check-added",
				loc,
				`new CHECK (${chk}) on ${t}(${cols.join(", ")}).`,
				`the ref's code writes ${t}.${cols.join(`, ${t}.`)} without knowing the CHECK: "CHECK constraint failed".`,
			);
			continue;
		}
		const witness = await tighteningWitness(
			scratch,
			before.map((b) => b.expr),
			chk,
			[...new Set([...cols, ...before.flatMap((b) => b.cols)])],
		);
		if (witness !== undefined) {
			push(
				"check-tightened",
				loc,
				`the CHECK on ${t}(${cols.join(", ")}) changes from (${before.map((b) => b.expr).join(") AND (")}) to (${chk}); ${witness} was allowed and is now rejected.`,
				`the ref's code may write ${witness}: "CHECK constraint failed".`,
			);
		}
	}

	const fkKey = (f: TableInfo["foreignKeys"][number]) => `${f.from.join(",")}>${f.table}(${f.to.join(",")})`;
	const oldFks = new Set(oldT.foreignKeys.map(fkKey));
	for (const f of newT.foreignKeys) {
		if (oldFks.has(fkKey(f)) || !f.from.some((c) => declaredNames.has(c))) continue;
		push(
			"foreign-key-added",
			rebuilt ?? at((s) => /REFERENCES/i.test(s) && sqlPatterns.mentions(t).test(s)),
			`new foreign key ${t}(${f.from.join(", ")}) REFERENCES ${f.table}.`,
			`the ref's code may write ${t}.${f.from.join(", ")} values without a matching ${f.table} row: "FOREIGN KEY constraint failed".`,
		);
	}
}

/**
 * Whether the ref's code can make a new unique index fail:
 * - `cannot-collide` when the index contains the primary key or a column set
 *   that was already unique (its rows are distinct anyway), or when one of its
 *   columns is one the code does not declare and that has no non-NULL DEFAULT:
 *   the code leaves it NULL, and NULLs never collide in SQLite;
 * - `declared` when the ref's Drizzle schema declares the same column set
 *   unique: the code means it unique, only data written before can repeat;
 * - `writes` otherwise.
 */
function judgeUniqueIndex(
	idx: TableInfo["indexes"][number],
	decl: DeclaredTable,
	oldT: TableInfo,
	newT: TableInfo,
): "cannot-collide" | "declared" | "writes" {
	const cols = idx.columns;
	const has = (set: (string | null)[]) => set.length > 0 && set.every((c) => c !== null && cols.includes(c));
	const pk = oldT.columns.filter((c) => c.pk > 0).map((c) => c.name);
	if (has(pk) || oldT.indexes.some((i) => i.unique && !i.partial && has(i.columns))) return "cannot-collide";
	const declared = new Set(decl.columns.map((c) => c.name));
	const leftNull = (c: string | null) => {
		if (c === null || declared.has(c)) return false;
		const d = newT.columns.find((x) => x.name === c)?.default ?? null;
		return d === null || /^null$/i.test(d.trim());
	};
	if (cols.some(leftNull)) return "cannot-collide";
	const same = (a: string[]) => a.length === cols.length && a.every((c) => cols.includes(c));
	if (decl.uniques.some(same)) return "declared";
	return "writes";
}

/**
 * Looks for a value the old CHECKs accept and the new one rejects, by
 * evaluating both on every literal either mentions (and its neighbours).
 * Returns a description of the witness, or undefined when the new CHECK is
 * at least as wide on every probe. More than two columns: assume tightened.
 */
async function tighteningWitness(
	db: D1Database,
	oldExprs: string[],
	newExpr: string,
	cols: string[],
): Promise<string | undefined> {
	if (cols.length > 2) return `some (${cols.join(", ")}) combination`;
	const text = [...oldExprs, newExpr].join(" ");
	const literals = new Set<string | number | null>([null, "", 0, 1, -1, "kiln-gate-probe"]);
	for (const m of text.matchAll(/'((?:[^']|'')*)'/g)) literals.add(m[1].replace(/''/g, "'"));
	for (const m of text.replace(/'(?:[^']|'')*'/g, "").matchAll(/(?<![\w$])-?\d+(?:\.\d+)?/g)) {
		const n = Number(m[0]);
		for (const v of [n - 1, n - 0.5, n, n + 0.5, n + 1]) literals.add(v);
	}
	const values = [...literals];
	const combos: (string | number | null)[][] =
		cols.length === 1 ? values.map((v) => [v]) : values.flatMap((a) => values.map((b) => [a, b]));
	const accept = (e: string) => `CASE WHEN (${e}) THEN 1 WHEN (${e}) IS NULL THEN 1 ELSE 0 END`;
	const colList = cols.map((c) => `"${c.replace(/"/g, '""')}"`).join(", ");
	// Chunked: SQLite limits bound parameters per statement.
	for (let i = 0; i < combos.length; i += 400) {
		const chunk = combos.slice(i, i + 400);
		const rows = `VALUES ${chunk.map(() => `(${cols.map(() => "?").join(", ")})`).join(", ")}`;
		const sql = `WITH v(${colList}) AS (${rows}) SELECT ${colList}, ${oldExprs.map(accept).join(" * ")} AS was, ${accept(newExpr)} AS now FROM v`;
		let result: { results: Record<string, unknown>[] };
		try {
			result = await db
				.prepare(sql)
				.bind(...chunk.flat())
				.all();
		} catch {
			return `a value the gate could not evaluate (${newExpr})`;
		}
		const hit = result.results.find((r) => Number(r.was) === 1 && Number(r.now) === 0);
		if (hit) return cols.map((c) => `${c} = ${JSON.stringify(hit[c])}`).join(", ");
	}
	return undefined;
}
