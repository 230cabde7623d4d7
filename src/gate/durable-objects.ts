/**
 * The class guard: a wrangler config change that would delete the data of a
 * Durable Object class the deployed release has. A class's objects hold their
 * storage (Kiln's AppDatabase holds every app's SQL database and documents),
 * and a `deleted_classes` migration, a rename or a transfer to another Worker,
 * once deployed, cannot be rolled back. Dropping the class's binding, or the
 * migration that created it, is refused too: it is how such a change usually
 * begins, and wrangler's next deploy may take it for a deletion.
 *
 * Compared per Worker config and per environment (wrangler does not inherit
 * `migrations` or `durable_objects` into `[env.<name>]`): every class the
 * ref's config creates (`new_classes`, `new_sqlite_classes`, or the target of
 * a rename or transfer) must still be there, created and bound, in the work
 * tree's. A change that means it carries a reviewed exception, a comment in
 * any of the work tree's wrangler configs:
 *
 *   # kiln-gate: allow durable-object-deleted OldCounter -- <why, who reviewed it>
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { finding } from "./findings";
import { git } from "./git";
import { isRule } from "./rules";
import type { Finding } from "./types";

const CONFIG_NAMES = new Set(["wrangler.toml", "wrangler.json", "wrangler.jsonc"]);
/** Folders whose wrangler configs are not deployed (test fixtures, dependencies). */
const NOT_DEPLOYED = new Set(["node_modules", "test", "tests", "__tests__", "fixtures"]);

/** The rules a config comment may allow; the subject is a class, or a config's path for an unreadable one. */
const CLASS_RULES = new Set([
	"durable-object-deleted",
	"durable-object-renamed",
	"durable-object-dropped",
	"wrangler-config-unreadable",
]);

/** What one Worker's config (one environment of it) says about its Durable Object classes. */
export interface ClassScope {
	/** The config's path (relative to the repository root) and the environment ("" for the top level). */
	file: string;
	env: string;
	/** Every class a migration created and none removed, with the migration's tag. */
	live: Map<string, string>;
	/** Classes bound in `durable_objects.bindings` (of this Worker: no `script_name`), with the binding's name. */
	bound: Map<string, string>;
	/** Migrations by tag. */
	migrations: Map<string, DoMigration>;
}

interface DoMigration {
	tag: string;
	new_classes?: string[];
	new_sqlite_classes?: string[];
	deleted_classes?: string[];
	renamed_classes?: { from: string; to: string }[];
	transferred_classes?: { from: string; from_script?: string; to: string }[];
}

/** `# kiln-gate: allow <rule> <Class> -- <reason>` (or `//` in JSONC); the subject of wrangler-config-unreadable is the config's path. */
export interface ClassAllow {
	rule: string;
	className: string;
	reason: string;
	file: string;
	line: number;
}

/**
 * Layer 1's class guard: the findings for every class of `ref`'s configs whose
 * data the work tree's configs would delete, with the reviewed exceptions
 * applied, and a note of what was compared.
 */
export function durableObjectChecks(root: string, commit: string): { findings: Finding[]; notes: string[] } {
	const oldConfigs = configsAt(root, commit);
	const newConfigs = workTreeConfigs(root);
	const findings: Finding[] = [];
	const notes: string[] = [];
	const allows: ClassAllow[] = [];
	for (const c of newConfigs) {
		const parsed = parseAllowComments(c.file, c.text);
		allows.push(...parsed.allows);
		for (const bad of parsed.malformed) {
			findings.push(
				finding(
					isRule(bad.rule) || bad.rule === "" ? "allow-annotation-malformed" : "allow-annotation-unknown-rule",
					c.file,
					null,
					`line ${bad.line} of ${c.file} is not a well-formed class exception: ${bad.text}`,
					"An exception that does not name a rule, a class and a reason allows nothing, so the change it was written for is still refused.",
				),
			);
		}
	}
	const unreadable: Finding[] = [];
	const oldScopes = scopesOf(oldConfigs, "the ref", unreadable);
	const newScopes = new Map(scopesOf(newConfigs, "the work tree", unreadable).map((s) => [key(s), s]));
	for (const f of unreadable) findings.push(allowed(f, f.migration ?? "", allows));
	const guarded: string[] = [];
	for (const before of oldScopes) {
		const after = newScopes.get(key(before)) ?? null;
		for (const [className, tag] of before.live) {
			guarded.push(className);
			const f = judgeClass(className, tag, before, after);
			if (f) findings.push(allowed(f, className, allows));
		}
	}
	const classes = [...new Set(guarded)].sort();
	notes.push(
		classes.length
			? `class guard: the ref's Durable Object classes (${classes.join(", ")}) are kept by the work tree's wrangler configs, or named in a finding`
			: `class guard: the ref's wrangler configs (${oldConfigs.length}) have no Durable Object class`,
	);
	return { findings, notes };
}

/** What the work tree does to one class the ref has, or null when it keeps it, created and bound. */
function judgeClass(className: string, tag: string, before: ClassScope, after: ClassScope | null): Finding | null {
	const where = scopeName(before);
	const lost = `Every object of ${className}, with all the data it stores, is gone once this config is deployed, and Cloudflare cannot bring it back; code still using ${className} fails.`;
	if (!after) {
		return finding(
			"durable-object-dropped",
			before.file,
			null,
			`${where} is gone from the work tree (the file or the environment), and with it class ${className} (created by migration "${tag}").`,
			lost,
		);
	}
	for (const m of after.migrations.values()) {
		if (before.migrations.has(m.tag) && sameMigration(before.migrations.get(m.tag), m)) continue;
		if (m.deleted_classes?.includes(className)) {
			return finding(
				"durable-object-deleted",
				after.file,
				null,
				`${where}: migration "${m.tag}" deletes class ${className} (deleted_classes).`,
				lost,
			);
		}
		const renamed = m.renamed_classes?.find((r) => r.from === className);
		if (renamed) {
			return finding(
				"durable-object-renamed",
				after.file,
				null,
				`${where}: migration "${m.tag}" renames class ${className} to ${renamed.to} (renamed_classes).`,
				`Every object of ${className} and its data move to ${renamed.to} in one step that cannot be rolled back: the code that is live, and every binding that names ${className}, no longer reach them; a deploy that fails halfway, or a rollback, leaves the data where the old code cannot see it.`,
			);
		}
		const moved = m.transferred_classes?.find((t) => t.from === className);
		if (moved) {
			return finding(
				"durable-object-renamed",
				after.file,
				null,
				`${where}: migration "${m.tag}" transfers class ${className} to ${moved.to} of another Worker (transferred_classes).`,
				`Every object of ${className} and its data leave this Worker in one step that cannot be rolled back; the code that is live here no longer reaches them.`,
			);
		}
	}
	if (!after.live.has(className)) {
		return finding(
			"durable-object-dropped",
			after.file,
			null,
			`${where}: class ${className} is no longer created by any migration (the migration "${tag}" that created it was removed or edited).`,
			`wrangler compares the migrations with those the Worker has applied: without the one that created ${className}, the next deploy fails or takes the class for gone, and its objects' data with it.`,
		);
	}
	if (before.bound.has(className) && !after.bound.has(className)) {
		return finding(
			"durable-object-dropped",
			after.file,
			null,
			`${where}: class ${className} is no longer bound (its binding ${before.bound.get(className)} is gone).`,
			`The code that is live reaches ${className}'s objects through ${before.bound.get(className)}; without the binding nothing can read their data, and a later config that drops the class would delete it unnoticed.`,
		);
	}
	return null;
}

function allowed(f: Finding, className: string, allows: ClassAllow[]): Finding {
	const a = allows.find((x) => x.rule === f.rule && x.className === className);
	return a ? { ...f, allowed: { reason: `${a.file}: ${a.reason}`, line: a.line } } : f;
}

const key = (s: { file: string; env: string }) => `${s.file}\0${s.env}`;
const scopeName = (s: { file: string; env: string }) => (s.env ? `${s.file} [env.${s.env}]` : s.file);

function sameMigration(a: DoMigration | undefined, b: DoMigration): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

interface ConfigText {
	file: string;
	text: string;
}

function deployed(file: string): boolean {
	const parts = file.split("/");
	return CONFIG_NAMES.has(parts.at(-1) ?? "") && !parts.slice(0, -1).some((p) => NOT_DEPLOYED.has(p));
}

/** The ref's wrangler configs, as committed. */
export function configsAt(root: string, commit: string): ConfigText[] {
	return git(root, ["ls-tree", "-r", "-z", "--name-only", commit])
		.split("\0")
		.filter((f) => f && deployed(f))
		.map((file) => ({ file, text: git(root, ["show", `${commit}:${file}`]) }));
}

/** The work tree's wrangler configs, as they are on disk (committed or not; ignored files left out). */
export function workTreeConfigs(root: string): ConfigText[] {
	return git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
		.split("\0")
		.filter((f) => f && deployed(f) && existsSync(path.join(root, f)))
		.map((file) => ({ file, text: readFileSync(path.join(root, file), "utf8") }));
}

/** Every (config, environment) of these configs; a config that does not parse is a finding, not a crash. */
export function scopesOf(configs: ConfigText[], side: string, findings: Finding[]): ClassScope[] {
	const scopes: ClassScope[] = [];
	for (const c of configs) {
		let data: Record<string, unknown>;
		try {
			data = parseConfig(c.file, c.text);
		} catch (e) {
			findings.push(
				finding(
					"wrangler-config-unreadable",
					c.file,
					null,
					`${side}'s ${c.file} does not parse: ${(e as Error).message.split("\n")[0]}`,
					"The class guard cannot tell which Durable Object classes this config keeps, so it cannot rule out that it deletes one.",
				),
			);
			continue;
		}
		scopes.push(scope(c.file, "", data));
		const envs = (data.env ?? {}) as Record<string, Record<string, unknown>>;
		for (const [name, env] of Object.entries(envs)) scopes.push(scope(c.file, name, env ?? {}));
	}
	return scopes;
}

function scope(file: string, env: string, data: Record<string, unknown>): ClassScope {
	const migrations = (Array.isArray(data.migrations) ? data.migrations : []) as DoMigration[];
	const live = new Map<string, string>();
	for (const m of migrations) {
		for (const c of [...(m.new_classes ?? []), ...(m.new_sqlite_classes ?? [])]) live.set(c, m.tag);
		for (const c of m.deleted_classes ?? []) live.delete(c);
		for (const r of [...(m.renamed_classes ?? []), ...(m.transferred_classes ?? [])]) {
			live.delete(r.from);
			live.set(r.to, m.tag);
		}
	}
	const bound = new Map<string, string>();
	const bindings = ((data.durable_objects as { bindings?: unknown } | undefined)?.bindings ?? []) as {
		name?: string;
		class_name?: string;
		script_name?: string;
	}[];
	for (const b of Array.isArray(bindings) ? bindings : []) {
		// A binding with script_name reaches another Worker's class: that Worker's config guards it.
		if (b.class_name && !b.script_name) bound.set(b.class_name, b.name ?? "");
	}
	return { file, env, live, bound, migrations: new Map(migrations.map((m) => [m.tag, m])) };
}

function parseConfig(file: string, text: string): Record<string, unknown> {
	if (file.endsWith(".toml")) return parseToml(text) as Record<string, unknown>;
	return JSON.parse(file.endsWith(".jsonc") ? stripJsonComments(text) : text) as Record<string, unknown>;
}

/** JSONC to JSON: comments and trailing commas out, strings untouched. */
export function stripJsonComments(text: string): string {
	let out = "";
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j;
		} else if (c === "/" && text[i + 1] === "/") {
			while (i < text.length && text[i] !== "\n") i++;
			out += "\n";
		} else if (c === "/" && text[i + 1] === "*") {
			const end = text.indexOf("*/", i + 2);
			i = end < 0 ? text.length : end + 1;
		} else out += c;
	}
	return out.replace(/,(\s*[}\]])/g, "$1");
}

const ALLOW = /^\s*(?:#|\/\/)\s*kiln-gate:\s*allow\s+(\S+)\s+(\S+)\s+--\s*(.*)$/;

/** The class exceptions of one config, and the kiln-gate comments that are not well formed. */
export function parseAllowComments(
	file: string,
	text: string,
): { allows: ClassAllow[]; malformed: { line: number; text: string; rule: string }[] } {
	const allows: ClassAllow[] = [];
	const malformed: { line: number; text: string; rule: string }[] = [];
	text.split(/\r?\n/).forEach((lineText, i) => {
		if (!/^\s*(?:#|\/\/)\s*kiln-gate\b/.test(lineText)) return;
		const m = ALLOW.exec(lineText);
		const rule = m?.[1] ?? /allow\s+(\S+)/.exec(lineText)?.[1] ?? "";
		const reason = m?.[3]?.trim() ?? "";
		if (!m || reason === "" || !CLASS_RULES.has(m[1])) malformed.push({ line: i + 1, text: lineText.trim(), rule });
		else allows.push({ rule: m[1], className: m[2], reason, file, line: i + 1 });
	});
	return { allows, malformed };
}
