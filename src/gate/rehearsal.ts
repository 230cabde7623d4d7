import type { D1Database } from "@cloudflare/workers-types";
import { finding } from "./findings";
import { affinity, columnsIn, type SchemaModel, type TableInfo } from "./introspect";
import { locate, rebuildCopyMap, sqlPatterns, unquote } from "./locate";
import { applyMigrations } from "./sandbox";
import type { Finding, MigrationFile, Statement } from "./types";

const ROWS_PER_TABLE = 4;

export interface Census {
	rows: Map<string, number>;
	/** table -> column -> non-NULL values. */
	values: Map<string, Map<string, number>>;
	/** table -> column -> every value, quoted and sorted: equal when the column holds the same values. */
	contents: Map<string, Map<string, string>>;
}

/**
 * What the ref's code always keeps true of the rows it writes, beyond what the
 * database enforces: table -> columns its Drizzle schema declares notNull (or
 * fills with a default). The rehearsal leaves them non-NULL, since rows with a
 * NULL there are rows the app never creates.
 */
export type CodeInvariants = Map<string, Set<string>>;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Fills every table of a database at the ref's schema with generated rows:
 * parents before children (foreign keys point at rows that exist), values
 * by column affinity, literals from CHECK constraints where a column has
 * one, distinct per row so unique indexes hold, NULLs in one row. Rows that
 * still violate a constraint are skipped (INSERT OR IGNORE); the census
 * afterwards is what counts.
 */
export async function seed(db: D1Database, schema: SchemaModel, invariants: CodeInvariants = new Map()): Promise<void> {
	const order = parentsFirst(schema);
	const insert = (t: TableInfo, values: (string | number | null)[]) => {
		const cols = t.columns.filter((c) => c.hidden === 0);
		return db
			.prepare(
				`INSERT OR IGNORE INTO ${q(t.name)} (${cols.map((c) => q(c.name)).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
			)
			.bind(...values);
	};
	const rows = (t: TableInfo, parentRows: (f: number) => Record<string, unknown>[]) =>
		Array.from({ length: ROWS_PER_TABLE }, (_, r) =>
			t.columns
				.filter((c) => c.hidden === 0)
				.map((c) => valueFor(t, c.name, r, parentRows, invariants.get(t.name)?.has(c.name) ?? false)),
		);
	// Fast path, one round trip: foreign keys point at the parents' generated values.
	const predicted = (t: TableInfo) => (i: number) => {
		const f = t.foreignKeys[i];
		const parent = schema.tables.get(f.table);
		if (!parent) return [];
		const to = targetColumns(f, parent);
		return Array.from({ length: ROWS_PER_TABLE - 1 }, (_, r) =>
			Object.fromEntries(to.map((c) => [c, rowValue(parent, c, r)])),
		);
	};
	try {
		await db.batch(order.flatMap((t) => rows(t, predicted(t)).map((v) => insert(t, v))));
		return;
	} catch {
		// Some parent row was refused (a CHECK the generator did not satisfy, say): go table by
		// table, reading the parents' real rows, so that one bad row does not empty the rest.
	}
	for (const t of order) {
		const actual = new Map<number, Record<string, unknown>[]>();
		for (const [i, f] of t.foreignKeys.entries()) {
			const parent = schema.tables.get(f.table);
			if (!parent || f.table === t.name) continue;
			try {
				const res = await db
					.prepare(`SELECT ${targetColumns(f, parent).map(q).join(", ")} FROM ${q(f.table)} LIMIT ${ROWS_PER_TABLE}`)
					.all();
				actual.set(i, res.results as Record<string, unknown>[]);
			} catch {
				actual.set(i, []);
			}
		}
		for (const v of rows(t, (i) => actual.get(i) ?? [])) {
			try {
				await insert(t, v).run();
			} catch {
				/* the census shows what went in */
			}
		}
	}
}

function targetColumns(f: TableInfo["foreignKeys"][number], parent: TableInfo): string[] {
	const pk = parent.columns.filter((x) => x.pk > 0).sort((a, b) => a.pk - b.pk);
	return f.to.map((c, k) => c ?? pk[k]?.name ?? "rowid");
}

function valueFor(
	t: TableInfo,
	col: string,
	r: number,
	parentRows: (fk: number) => Record<string, unknown>[],
	codeNeverNull: boolean,
): string | number | null {
	const c = t.columns.find((x) => x.name === col);
	if (!c) return null;
	// Real tables hold NULLs too: the last row leaves every nullable column empty,
	// except where the ref's code always writes a value.
	if (r === ROWS_PER_TABLE - 1 && !c.notNull && c.pk === 0 && !codeNeverNull) return null;
	for (const [i, f] of t.foreignKeys.entries()) {
		const k = f.from.indexOf(col);
		if (k === -1) continue;
		if (f.table === t.name) {
			// Self reference: row 0 is a root (or points at itself), the others point at it.
			const to = targetColumns(f, t)[k];
			return r === 0 && !c.notNull && !codeNeverNull ? null : rowValue(t, to, 0);
		}
		const parents = parentRows(i);
		if (parents.length === 0) return null;
		const row = parents[r % parents.length];
		return (Object.values(row)[k] ?? null) as string | number | null;
	}
	return rowValue(t, col, r);
}

function rowValue(t: TableInfo, col: string, r: number): string | number | null {
	const c = t.columns.find((x) => x.name === col);
	if (!c) return r + 1;
	const checkLiterals = t.checks
		.filter((chk) => columnsIn(chk, t).includes(col))
		.flatMap((chk) => [
			...[...chk.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'")),
			...[...chk.replace(/'(?:[^']|'')*'/g, "").matchAll(/(?<![\w$])-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0])),
		]);
	const aff = affinity(c.type);
	if (checkLiterals.length > 0) {
		const v = checkLiterals[r % checkLiterals.length];
		return typeof v === "number" && aff === "TEXT" ? String(v) : v;
	}
	if (aff === "INTEGER") return r + 1;
	if (aff === "REAL") return r + 1.5;
	if (aff === "NUMERIC") return r + 1;
	return `${t.name}.${col}#${r + 1}`;
}

/** Tables ordered so that every foreign key's parent comes first (cycles broken by name). */
function parentsFirst(schema: SchemaModel): TableInfo[] {
	const out: TableInfo[] = [];
	const seen = new Set<string>();
	const visit = (t: TableInfo, stack: Set<string>) => {
		if (seen.has(t.name) || stack.has(t.name)) return;
		stack.add(t.name);
		for (const f of t.foreignKeys) {
			const p = schema.tables.get(f.table);
			if (p && p.name !== t.name) visit(p, stack);
		}
		seen.add(t.name);
		out.push(t);
	};
	for (const t of [...schema.tables.values()].sort((a, b) => a.name.localeCompare(b.name))) visit(t, new Set());
	return out;
}

/** Rows per table, and per column its non-NULL values and its contents (sorted, so a rebuild's row order does not count), in one batch. */
export async function census(db: D1Database, schema: SchemaModel): Promise<Census> {
	const tables = [...schema.tables.values()];
	const res = await db.batch(
		tables.map((t) =>
			db.prepare(
				`SELECT count(*) AS "*"${t.columns
					.filter((c) => c.hidden === 0)
					.map(
						(c) =>
							`, count(${q(c.name)}) AS ${q(c.name)}, (SELECT group_concat(v, char(31)) FROM (SELECT quote(${q(c.name)}) AS v FROM ${q(t.name)} ORDER BY 1)) AS ${q(`=${c.name}`)}`,
					)
					.join("")} FROM ${q(t.name)}`,
			),
		),
	);
	const out: Census = { rows: new Map(), values: new Map(), contents: new Map() };
	tables.forEach((t, i) => {
		const row = (res[i].results[0] ?? {}) as Record<string, number | string | null>;
		const cols = t.columns.filter((c) => c.hidden === 0);
		out.rows.set(t.name, Number(row["*"] ?? 0));
		out.values.set(t.name, new Map(cols.map((c) => [c.name, Number(row[c.name] ?? 0)])));
		out.contents.set(t.name, new Map(cols.map((c) => [c.name, String(row[`=${c.name}`] ?? "")])));
	});
	return out;
}

/**
 * Layer 4: with `db` at the ref's schema and holding data, applies the new
 * migrations and blocks when a table lost rows (or a column lost values)
 * that no statement of theirs deletes (or updates) on purpose.
 */
export async function rehearse(
	db: D1Database,
	oldSchema: SchemaModel,
	newSchema: SchemaModel,
	added: MigrationFile[],
	dataSource: string,
): Promise<{
	findings: Finding[];
	before: Census;
	applyError: { file: string; statement: Statement | null; error: string } | null;
}> {
	const before = await census(db, oldSchema);
	const failure = await applyMigrations(db, added);
	if (failure)
		return {
			findings: [],
			before,
			applyError: { file: failure.file.name, statement: failure.statement, error: failure.error },
		};
	const after = await census(db, newSchema);
	const findings: Finding[] = [];
	const at = (test: (sql: string) => boolean) => locate(added, test);

	for (const [table, n] of before.rows) {
		const m = after.rows.get(table);
		if (m === undefined) continue; // dropped on purpose; layer 2 judges drops
		// A table recreated with CREATE TABLE (not a rebuild's rename) was emptied on purpose.
		const deliberate =
			at((s) => sqlPatterns.deleteFrom(table).test(s)) ??
			(at((s) => sqlPatterns.dropTable(table).test(s)) && at((s) => sqlPatterns.createTable(table).test(s)));
		const parentsDropped = (oldSchema.tables.get(table)?.foreignKeys ?? [])
			.map((f) => at((s) => sqlPatterns.dropTable(f.table).test(s)))
			.find((x) => x);
		const cause =
			at((s) => sqlPatterns.dropTable(table).test(s)) ??
			parentsDropped ??
			at((s) => sqlPatterns.mentions(table).test(s));
		if (m < n && !deliberate) {
			findings.push(
				finding(
					"rows-lost",
					cause?.file.name ?? added[0]?.name ?? null,
					cause?.statement ?? null,
					`${table} had ${n} rows (${dataSource}) and has ${m} after the new migrations; no statement deletes from it.`,
					`the data of ${table} that the ref's code reads and serves: ${n - m} of ${n} rows are gone${parentsDropped ? ` (ON DELETE of a dropped parent)` : ""}.`,
				),
			);
			continue;
		}
		if (m < n || at((s) => sqlPatterns.update(table).test(s)) || deliberate) continue;
		// A rebuild's copy that computes a column (`SELECT lower(email)` into email) changes it on purpose.
		const copy = rebuildCopyMap(added, table);
		const oldCols = new Map(oldSchema.tables.get(table)?.columns.map((c) => [c.name, c]));
		const newCols = new Map(newSchema.tables.get(table)?.columns.map((c) => [c.name, c]));
		for (const [col, v] of before.values.get(table) ?? []) {
			const w = after.values.get(table)?.get(col);
			if (w === undefined) continue;
			if (w >= v) {
				const was = before.contents.get(table)?.get(col);
				const now = after.contents.get(table)?.get(col);
				const computed = copy?.has(col) && unquote(copy.get(col) ?? "") !== col;
				// A new type affinity stores the same values differently: layer 2 judges type changes.
				const retyped = affinity(oldCols.get(col)?.type ?? "") !== affinity(newCols.get(col)?.type ?? "");
				if (was !== now && !computed && !retyped)
					findings.push(
						finding(
							"values-changed",
							cause?.file.name ?? added[0]?.name ?? null,
							cause?.statement ?? null,
							`${table}.${col} holds other values after the new migrations (${dataSource}), and no statement updates ${table}.`,
							`the values in ${table}.${col} that the ref's code reads: they are not what it wrote (a column dropped and added again starts over from its DEFAULT).`,
						),
					);
				continue;
			}
			findings.push(
				finding(
					"values-nulled",
					cause?.file.name ?? added[0]?.name ?? null,
					cause?.statement ?? null,
					`${table}.${col} had ${v} non-NULL values (${dataSource}) and has ${w} after the new migrations; no statement updates ${table}.`,
					`the references or values in ${table}.${col} that the ref's code reads${parentsDropped ? ` (ON DELETE SET NULL of a dropped parent)` : ""}.`,
				),
			);
		}
	}
	return { findings, before, applyError: null };
}
