import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
}

/** What `<ref>`'s code declares, and where the gate learnt it. */
export interface DeclaredSchema {
	source: string;
	tables: Map<string, DeclaredTable>;
}

/** drizzle.config.ts's `schema`, when it is one literal path; Kiln's layout otherwise. */
export function schemaPathOf(root: string): string {
	const config = path.join(root, "drizzle.config.ts");
	if (existsSync(config)) {
		const m = /schema\s*:\s*["'`]([^"'`*]+\.ts)["'`]/.exec(readFileSync(config, "utf8"));
		if (m) return m[1].replace(/^\.\//, "");
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
): Promise<DeclaredSchema> {
	const rel = schemaPathOf(root);
	const file = path.join(root, rel);
	const problems: string[] = [];
	if (existsSync(file)) {
		try {
			return { source: `${rel} (Drizzle)`, tables: await importDrizzleSchema(root, file) };
		} catch (e) {
			problems.push(`could not load ${rel}: ${(e as Error).message.split("\n")[0]}`);
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
		columns: { name: string; notNull: boolean; hasDefault: boolean; getSQLType(): string }[];
	};
}

async function importDrizzleSchema(root: string, file: string): Promise<Map<string, DeclaredTable>> {
	const dir = mkdtempSync(path.join(tmpdir(), "kiln-gate-schema-"));
	try {
		const out = path.join(dir, "schema.mjs");
		await build({
			stdin: {
				contents: [
					`export * as schema from ${JSON.stringify(file)};`,
					`export { is } from "drizzle-orm";`,
					`export { SQLiteTable, getTableConfig } from "drizzle-orm/sqlite-core";`,
				].join("\n"),
				resolveDir: root,
				loader: "ts",
			},
			bundle: true,
			format: "esm",
			platform: "neutral",
			mainFields: ["module", "main"],
			outfile: out,
			logLevel: "silent",
			external: ["cloudflare:*", "node:*"],
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
			});
		}
		return tables;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

interface Snapshot {
	tables: Record<
		string,
		{ name: string; columns: Record<string, { name: string; type: string; notNull: boolean; default?: unknown }> }
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
			});
		}
		return { file, tables };
	} catch {
		return null;
	}
}
