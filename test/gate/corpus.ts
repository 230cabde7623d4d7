/**
 * The gate's labelled corpus: each case under corpus/{breaking,safe}/ is a
 * small repository history written compactly. `buildCase` turns one into a
 * real git repository in a temporary directory: the base application
 * (corpus/base: Drizzle schema, queries, raw SQL, db tests, two migrations),
 * committed and tagged `deployed`, then the case's new migration and new
 * code on top, committed or left in the work tree as the case says.
 *
 * Case file format:
 *   # about: one line
 *   # expect: rule-a rule-b        (breaking: rules that must block)
 *   # commit: no                   (leave the change uncommitted; default yes)
 *   # class: name (why synthetic)  (the false-positive or silence class of issue 10 it stands for)
 *   # risks: rule-a                (deploy risks that must be reported; they do not block)
 *   === old-edit <path>            (change the base before the release commit)
 *   === file <path>                (new or replaced file, content follows)
 *   === edit <path>                (<<< old text === new text >>> blocks)
 *   === delete <path>
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { git } from "./helpers.ts";

export const corpusDir = path.join(import.meta.dirname, "corpus");
const repoRoot = path.resolve(import.meta.dirname, "..", "..");

export interface CorpusCase {
	name: string;
	kind: "breaking" | "safe";
	about: string;
	expect: string[];
	commit: boolean;
	class?: string;
	/** Deploy-risk rules a safe case must report (without blocking). */
	risks: string[];
	/** Rules the case's new migrations allow with `-- kiln-gate: allow <rule> -- <reason>`. */
	allows: string[];
	ops: { op: "old-edit" | "file" | "edit" | "delete"; path: string; body: string }[];
}

export function loadCases(kind: "breaking" | "safe"): CorpusCase[] {
	const dir = path.join(corpusDir, kind);
	return readdirSync(dir)
		.filter((f) => f.endsWith(".case"))
		.sort()
		.map((f) => parseCase(f.replace(/\.case$/, ""), kind, readFileSync(path.join(dir, f), "utf8")));
}

export function parseCase(name: string, kind: "breaking" | "safe", text: string): CorpusCase {
	const c: CorpusCase = { name, kind, about: "", expect: [], commit: true, risks: [], allows: [], ops: [] };
	const parts = text.split(/^=== /m);
	for (const line of parts[0].split("\n")) {
		const m = /^#\s*(\w+):\s*(.*)$/.exec(line.trim());
		if (!m) continue;
		if (m[1] === "about") c.about = m[2];
		if (m[1] === "expect") c.expect = m[2].split(/\s+/).filter(Boolean);
		if (m[1] === "commit") c.commit = m[2].trim() !== "no";
		if (m[1] === "class") c.class = m[2].trim();
		if (m[1] === "risks") c.risks = m[2].split(/\s+/).filter(Boolean);
	}
	for (const part of parts.slice(1)) {
		const nl = part.indexOf("\n");
		const [op, p] = part.slice(0, nl).trim().split(/\s+/);
		if (!["old-edit", "file", "edit", "delete"].includes(op) || !p)
			throw new Error(`${name}: bad section "=== ${part.slice(0, nl)}"`);
		c.ops.push({ op: op as CorpusCase["ops"][number]["op"], path: p, body: part.slice(nl + 1) });
	}
	for (const o of c.ops) {
		if (o.op === "file" && o.path.startsWith("migrations/")) {
			for (const m of o.body.matchAll(/kiln-gate:\s*allow\s+([\w-]+)\s*--\s*\S/g)) c.allows.push(m[1]);
		}
	}
	if (kind === "breaking" && c.expect.length === 0)
		throw new Error(`${name}: a breaking case must say which rules it expects`);
	return c;
}

function applyEdit(file: string, body: string, caseName: string) {
	let text = readFileSync(file, "utf8");
	for (const m of body.matchAll(/<<<\n([\s\S]*?)\n===\n([\s\S]*?)\n?>>>/g)) {
		if (!text.includes(m[1])) throw new Error(`${caseName}: ${file} does not contain:\n${m[1]}`);
		text = text.replace(m[1], m[2]);
	}
	writeFileSync(file, text);
}

function apply(dir: string, c: CorpusCase, phase: "old" | "new") {
	for (const o of c.ops) {
		if ((o.op === "old-edit") !== (phase === "old")) continue;
		const file = path.join(dir, o.path);
		if (o.op === "delete") rmSync(file);
		else if (o.op === "file") {
			mkdirSync(path.dirname(file), { recursive: true });
			writeFileSync(file, o.body);
		} else applyEdit(file, o.body, c.name);
	}
}

/** Builds the case's repository under `parent` and returns its path; the deployed release is tagged `deployed`. */
export function buildCase(c: CorpusCase, parent: string): string {
	const dir = path.join(parent, `${c.kind}-${c.name}`);
	cpSync(path.join(corpusDir, "base"), dir, { recursive: true });
	symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
	writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
	apply(dir, c, "old");
	git(dir, "init", "-q", "-b", "main");
	git(dir, "add", "-A");
	git(dir, "commit", "-q", "-m", "release");
	git(dir, "tag", "deployed");
	apply(dir, c, "new");
	if (c.commit) {
		git(dir, "add", "-A");
		git(dir, "commit", "-q", "--allow-empty", "-m", c.about || c.name);
	}
	return dir;
}
