import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { SchemaModel } from "./introspect";

export interface DeclaredColumn {
	name: string;
	notNull: boolean;
	/** Drizzle fills the value in itself when the code leaves it out (default or $defaultFn). */
	hasDefault: boolean;
	sqlType: string;
}

export interface DeclaredTable {
	name: string;
	columns: DeclaredColumn[];
	/** Column sets the code declares unique (`.unique()`, `unique()`, `uniqueIndex()`); empty when unknown. */
	uniques: string[][];
}

/** What `<ref>`'s code declares, and where the gate learnt it. */
export interface DeclaredSchema {
	source: string;
	tables: Map<string, DeclaredTable>;
}

const CONFIG_NAMES = [
	"drizzle.config.ts",
	"drizzle.config.mts",
	"drizzle.config.js",
	"drizzle.config.mjs",
	"drizzle.config.cjs",
];

/**
 * The Drizzle schema file of the checkout at `root`, relative to it: the
 * `schema` of the first drizzle.config.* beside the migrations folder, in its
 * parent (a monorepo's packages/db/ for packages/db/migrations) or at the
 * root, when it is one literal path (a folder means its index.ts); else
 * Kiln's layout, src/db/schema.ts.
 */
export function schemaPathOf(root: string, migrationsDir = "migrations"): string {
	const dirs = [...new Set([migrationsDir, path.dirname(migrationsDir), "."])];
	for (const dir of dirs) {
		for (const name of CONFIG_NAMES) {
			const config = path.join(root, dir, name);
			if (!existsSync(config)) continue;
			const m = /schema\s*:\s*\[?\s*["'`]([^"'`*]+)["'`]/.exec(readFileSync(config, "utf8"));
			if (!m) continue;
			const rel = path.join(dir, m[1]);
			if (/\.[cm]?[jt]s$/.test(rel)) return path.normalize(rel);
			const index = ["index.ts", "index.mts", "index.js"]
				.map((f) => path.join(rel, f))
				.find((f) => existsSync(path.join(root, f)));
			if (index) return path.normalize(index);
		}
	}
	return "src/db/schema.ts";
}

/**
 * Loads the Drizzle schema of the checkout at `root` (the ref's worktree):
 * bundles it together with the drizzle-orm it was written against, imports
 * the bundle and reads every exported table with `getTableConfig`. Falls
 * back to the newest drizzle-kit snapshot, then to the ref's whole database
 * schema (everything counts as declared), saying which it used.
 */
export async function loadDeclaredSchema(
	root: string,
	refSchema: SchemaModel,
	migrationsDir: string,
	schema?: string,
): Promise<DeclaredSchema> {
	const rel = schema ?? schemaPathOf(root, migrationsDir);
	const file = path.join(root, rel);
	const problems: string[] = [];
	if (existsSync(file)) {
		// First as the code runs: every import other than drizzle-orm from the judged
		// repository's own node_modules. A schema that imports an app module which needs
		// a build step or a runtime (a workspace package in TypeScript, env config) fails
		// there; the second try stands a do-nothing module in for each such import, which
		// is enough for the table definitions.
		let firstError: string;
		try {
			return { source: `${rel} (Drizzle)`, tables: await importDrizzleSchema(file, "external") };
		} catch (e) {
			firstError = (e as Error).message;
		}
		try {
			const tables = await importDrizzleSchema(file, "stand-ins");
			return {
				source: `${rel} (Drizzle, with do-nothing stand-ins for its imports other than drizzle-orm; loading it as it is failed with: ${firstError})`,
				tables,
			};
		} catch (e) {
			problems.push(
				`could not load ${rel}: ${firstError}; with stand-ins for its other imports: ${(e as Error).message}`,
			);
		}
	} else {
		problems.push(`no ${rel}`);
	}
	const snapshot = latestSnapshot(path.join(root, migrationsDir, "meta"));
	if (snapshot) {
		return {
			source: `${migrationsDir}/meta/${snapshot.file} (drizzle-kit snapshot; ${problems.join("; ")})`,
			tables: snapshot.tables,
		};
	}
	const tables = new Map<string, DeclaredTable>();
	for (const t of refSchema.tables.values()) {
		tables.set(t.name, {
			name: t.name,
			columns: t.columns
				.filter((c) => c.hidden === 0)
				.map((c) => ({ name: c.name, notNull: c.notNull, hasDefault: c.default !== null, sqlType: c.type })),
			// The database is the declaration here, so what it enforces is all that is declared.
			uniques: [],
		});
	}
	return {
		source: `every table and column of the ref's database (${problems.join("; ")}; no drizzle-kit snapshot)`,
		tables,
	};
}

interface DrizzleModule {
	schema: Record<string, unknown>;
	is: (value: unknown, type: unknown) => boolean;
	SQLiteTable: unknown;
	getTableConfig: (t: unknown) => {
		name: string;
		columns: { name: string; notNull: boolean; hasDefault: boolean; isUnique?: boolean; getSQLType(): string }[];
		indexes?: { config: { unique?: boolean; columns: { name?: string }[] } }[];
		uniqueConstraints?: { columns: { name: string }[] }[];
	};
}

/** Bare imports (`zod`, `@app/shared`, `drizzle-orm`...), as opposed to relative or absolute paths. esbuild filters are Go regexps: no lookahead. */
const BARE = /^[^./]/;
/** The bare imports the bundle keeps: drizzle-orm itself, and what Node or workerd provide. */
const BUNDLED = /^(drizzle-orm(\/|$)|node:|cloudflare:)/;

/**
 * A module whose every export (the names its importer asks for) is one value
 * that is any property, callable and constructible: enough for
 * `$defaultFn(() => newId())`, `text({ enum: roles })` or `roles.defaultValue`.
 */
function standIn(names: string[]): string {
	return [
		"const any = new Proxy(function () {}, {",
		'	get: (_, key) => (key === "then" ? undefined : key === Symbol.toPrimitive ? () => "" : key === Symbol.iterator ? [][Symbol.iterator] : any),',
		"	apply: () => any,",
		"	construct: () => any,",
		"});",
		"export default any;",
		...names.map((n) => `export const ${n} = any;`),
	].join("\n");
}

/** The names `importer` imports or re-exports from `specifier` (`import { a, b as c }`, `export { d }`). */
function importedNames(importer: string, specifier: string): string[] {
	let text: string;
	try {
		text = readFileSync(importer, "utf8");
	} catch {
		return [];
	}
	const quoted = specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
	const re = new RegExp(
		`(?:import|export)\\s+(?:type\\s+)?(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*["']${quoted}["']`,
		"g",
	);
	const names = new Set<string>();
	for (const m of text.matchAll(re))
		for (const part of m[1].split(",")) {
			const name = part
				.trim()
				.replace(/^type\s+/, "")
				.split(/\s+as\s+/)[0]
				.trim();
			if (/^[A-Za-z_$][\w$]*$/.test(name) && name !== "default") names.add(name);
		}
	return [...names];
}

/**
 * Bundles the schema with the drizzle-orm it resolves to (so `is` and
 * `getTableConfig` are the same module instance as its tables) and imports it.
 * `external`: other packages are imported at run time, from the judged
 * repository's node_modules (the bundle is written beside the schema file so
 * Node resolves them as the schema would). `stand-ins`: they become STAND_IN.
 */
async function importDrizzleSchema(
	file: string,
	others: "external" | "stand-ins",
): Promise<Map<string, DeclaredTable>> {
	const out = path.join(
		path.dirname(file),
		`.kiln-gate-schema-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`,
	);
	try {
		await build({
			stdin: {
				contents: [
					`export * as schema from ${JSON.stringify(file)};`,
					`export { is } from "drizzle-orm";`,
					`export { SQLiteTable, getTableConfig } from "drizzle-orm/sqlite-core";`,
				].join("\n"),
				resolveDir: path.dirname(file),
				loader: "ts",
			},
			bundle: true,
			format: "esm",
			platform: "node",
			outfile: out,
			logLevel: "silent",
			external: ["cloudflare:*", "node:*"],
			plugins: [
				{
					name: "kiln-gate-other-packages",
					setup(b) {
						b.onResolve({ filter: BARE }, (args) =>
							args.kind === "entry-point" || BUNDLED.test(args.path)
								? undefined
								: others === "external"
									? { path: args.path, external: true }
									: {
											path: `${args.path} from ${args.importer}`,
											namespace: "kiln-gate-stand-in",
											pluginData: importedNames(args.importer, args.path),
										},
						);
						b.onLoad({ filter: /.*/, namespace: "kiln-gate-stand-in" }, (args) => ({
							contents: standIn(args.pluginData as string[]),
							loader: "js",
						}));
					},
				},
			],
		});
		const mod = (await import(pathToFileURL(out).href)) as DrizzleModule;
		const tables = new Map<string, DeclaredTable>();
		for (const value of Object.values(mod.schema)) {
			if (!mod.is(value, mod.SQLiteTable)) continue;
			const config = mod.getTableConfig(value);
			tables.set(config.name, {
				name: config.name,
				columns: config.columns.map((c) => ({
					name: c.name,
					notNull: c.notNull,
					hasDefault: c.hasDefault,
					sqlType: c.getSQLType(),
				})),
				uniques: [
					...config.columns.filter((c) => c.isUnique).map((c) => [c.name]),
					...(config.uniqueConstraints ?? []).map((u) => u.columns.map((c) => c.name)),
					// An index on an expression has a column without a name: not a column set.
					...(config.indexes ?? [])
						.filter((i) => i.config.unique && i.config.columns.every((c) => typeof c.name === "string"))
						.map((i) => i.config.columns.map((c) => c.name as string)),
				],
			});
		}
		return tables;
	} finally {
		rmSync(out, { force: true });
	}
}

interface Snapshot {
	tables: Record<
		string,
		{
			name: string;
			columns: Record<string, { name: string; type: string; notNull: boolean; default?: unknown }>;
			indexes?: Record<string, { columns: string[]; isUnique?: boolean }>;
			uniqueConstraints?: Record<string, { columns: string[] }>;
		}
	>;
}

function latestSnapshot(metaDir: string): { file: string; tables: Map<string, DeclaredTable> } | null {
	if (!existsSync(metaDir)) return null;
	const files = readdirSync(metaDir)
		.filter((f) => /^\d+_snapshot\.json$/.test(f))
		.sort();
	const file = files.at(-1);
	if (!file) return null;
	try {
		const snap = JSON.parse(readFileSync(path.join(metaDir, file), "utf8")) as Snapshot;
		const tables = new Map<string, DeclaredTable>();
		for (const t of Object.values(snap.tables ?? {})) {
			tables.set(t.name, {
				name: t.name,
				columns: Object.values(t.columns).map((c) => ({
					name: c.name,
					notNull: c.notNull,
					hasDefault: c.default !== undefined,
					sqlType: c.type,
				})),
				uniques: [
					...Object.values(t.indexes ?? {})
						.filter((i) => i.isUnique)
						.map((i) => i.columns),
					...Object.values(t.uniqueConstraints ?? {}).map((u) => u.columns),
				],
			});
		}
		return { file, tables };
	} catch {
		return null;
	}
}
