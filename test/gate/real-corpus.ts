/**
 * The gate's real corpus: migration commits of public repositories (see
 * real/SOURCES.md for the sources and their licences). Each case is one
 * commit that adds a migration, judged against its parent, the way a user of
 * that repository would have run the gate before deploying it.
 *
 * Fixtures per source, written by real/extract.ts from the repositories'
 * histories: sql/ (every migration file either side of any case needs),
 * schema/NNN_<parent>.patch (the parent's Drizzle schema, a patch on the
 * previous case's) and cases.json (the case list with hand-written labels).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { git } from "./helpers.ts";

export const realDir = path.join(import.meta.dirname, "real");
const repoRoot = path.resolve(import.meta.dirname, "..", "..");

export interface RealSource {
	id: string;
	repo: string;
	licence: string;
	migrationsDir: string;
	schema: string;
}

export interface RealCase {
	source: RealSource;
	/** Position in the source's history (the schema patches up to it are applied). */
	index: number;
	commit: string;
	parent: string;
	subject: string;
	/** Migration files at the parent and at the commit (stored names; `@<blob>` marks a second version). */
	old: string[];
	next: string[];
	schema: string;
	expect: "safe" | "breaking";
	/** For breaking cases: rules that must block. */
	rules: string[];
	/** One line: what the migration does. */
	label: string;
	/** Why it is safe or breaking for the parent's code. */
	reason: string;
	/** A false-positive or silence class of issue 10 this case is an instance of. */
	class?: string;
	/** Safe by its label, blocked by the gate: the rules it blocks with, and why the gate cannot know better. */
	knownFalsePositive?: { rules: string[]; why: string };
}

export function loadRealCases(): RealCase[] {
	const sources = JSON.parse(readFileSync(path.join(realDir, "sources.json"), "utf8")) as RealSource[];
	return sources.flatMap((source) =>
		(
			JSON.parse(readFileSync(path.join(realDir, source.id, "cases.json"), "utf8")) as Omit<
				RealCase,
				"source" | "index"
			>[]
		)
			.map((c, index) => ({ ...c, source, index }))
			.filter((c) => {
				if (c.expect !== "safe" && c.expect !== "breaking") throw new Error(`${source.id} ${c.commit}: unlabelled`);
				return !(c as { excluded?: string }).excluded;
			}),
	);
}

export const caseName = (c: RealCase) => `${c.source.id}@${c.commit}`;

function writeMigrations(dir: string, c: RealCase, names: string[]) {
	const target = path.join(dir, c.source.migrationsDir);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	for (const stored of names)
		cpSync(path.join(realDir, c.source.id, "sql", stored), path.join(target, stored.replace(/@[0-9a-f]+$/, "")));
}

/**
 * Builds the case's repository under `parent`: the parent's migrations and
 * Drizzle schema committed and tagged `deployed`, then the commit's
 * migrations folder committed on top. Returns its path.
 */
export function buildRealCase(c: RealCase, parent: string): string {
	const dir = path.join(parent, caseName(c));
	mkdirSync(dir, { recursive: true });
	git(dir, "init", "-q", "-b", "main");
	writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
	symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
	const patches = readdirSync(path.join(realDir, c.source.id, "schema"))
		.filter((f) => f.endsWith(".patch"))
		.sort()
		.slice(0, c.index + 1);
	for (const p of patches)
		git(dir, "apply", "--allow-empty", "--whitespace=nowarn", path.join(realDir, c.source.id, "schema", p));
	writeMigrations(dir, c, c.old);
	git(dir, "add", "-A");
	git(dir, "commit", "-q", "-m", `parent ${c.parent}`);
	git(dir, "tag", "deployed");
	writeMigrations(dir, c, c.next);
	git(dir, "add", "-A");
	git(dir, "commit", "-q", "--allow-empty", "-m", `${c.commit} ${c.subject}`);
	return dir;
}
