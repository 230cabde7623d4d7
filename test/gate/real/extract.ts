/**
 * Rebuilds the real corpus's fixtures from local mirrors of the source
 * repositories (bare git directories, as the `fetch` tool leaves them under
 * /work/.mirror/<owner>+<name>/repo). Not part of any test: the fixtures it
 * writes are committed, and the tests read only those.
 *
 *   npx tsx test/gate/real/extract.ts [<mirror root>]
 *
 * For each source in sources.json and each commit that adds a .sql file to
 * its migrations folder (parent's folder = the deployed side), it keeps:
 * every migration file either side lists (sql/, one copy per distinct
 * content), the parent's Drizzle schema file and the relative files it
 * imports (schema/NNN_<parent>.patch, a patch on the previous case's), and
 * one entry in cases.json. Labels already in
 * cases.json (written by hand) are kept; new entries get "label": "TODO".
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Source {
	/** Folder under test/gate/real/. */
	id: string;
	repo: string;
	licence: string;
	/** The licence file(s) in the repository, copied beside the fixtures. */
	licenceFiles: string[];
	migrationsDir: string;
	/** The Drizzle schema entry the migrations were generated from. */
	schema: string;
	/** Commits (abbreviated as in `git log --format=%h`) to leave out, with why. */
	skip?: Record<string, string>;
	/** Only commits at or after this date (YYYY-MM-DD). */
	since?: string;
}

const here = import.meta.dirname;
const mirrors = process.argv[2] ?? "/work/.mirror";

const gitIn =
	(repo: string) =>
	(...args: string[]) =>
		execFileSync("git", args, {
			cwd: path.join(mirrors, repo.replace("/", "+"), "repo"),
			encoding: "utf8",
			maxBuffer: 64 << 20,
		});

function relativeImports(text: string): string[] {
	return [...text.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
}

function resolveAt(g: ReturnType<typeof gitIn>, commit: string, file: string): string | null {
	for (const cand of [
		file,
		`${file}.ts`,
		`${file}.mts`,
		`${file}/index.ts`,
		file.replace(/\.m?js$/, ".ts"),
		file.replace(/\.mjs$/, ".mts"),
	]) {
		try {
			g("cat-file", "-e", `${commit}:${cand}`);
			return cand;
		} catch {
			/* next candidate */
		}
	}
	return null;
}

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** The schema entry at `commit` and every file it imports relatively, transitively. */
function schemaFiles(g: ReturnType<typeof gitIn>, commit: string, entry: string): string[] {
	const todo = [entry];
	const seen = new Set<string>();
	while (todo.length) {
		const f = resolveAt(g, commit, todo.pop() as string);
		if (!f || seen.has(f)) continue;
		seen.add(f);
		for (const imp of relativeImports(g("show", `${commit}:${f}`)))
			todo.push(path.posix.join(path.posix.dirname(f), imp));
	}
	return [...seen];
}

for (const src of JSON.parse(readFileSync(path.join(here, "sources.json"), "utf8")) as Source[]) {
	const g = gitIn(src.repo);
	const out = path.join(here, src.id);
	const casesFile = path.join(out, "cases.json");
	const known = new Map<string, Record<string, unknown>>(
		existsSync(casesFile)
			? (JSON.parse(readFileSync(casesFile, "utf8")) as Record<string, unknown>[]).map((c) => [c.commit as string, c])
			: [],
	);
	rmSync(path.join(out, "sql"), { recursive: true, force: true });
	rmSync(path.join(out, "schema"), { recursive: true, force: true });
	mkdirSync(path.join(out, "sql"), { recursive: true });
	for (const f of src.licenceFiles) writeFileSync(path.join(out, path.basename(f)), g("show", `HEAD:${f}`));

	const log = g(
		"log",
		"--reverse",
		"--format=@%h %p %ad %s",
		"--date=short",
		"--diff-filter=A",
		"--name-only",
		"--",
		`${src.migrationsDir}/*.sql`,
	);
	const commits = log
		.split("\n")
		.filter((l) => l.startsWith("@"))
		.map((l) => {
			const [h, p, date, ...subject] = l.slice(1).split(" ");
			return { commit: h, parent: p, date, subject: subject.join(" ") };
		})
		.filter((c) => !src.skip?.[c.commit] && (!src.since || c.date >= src.since));

	// One stored copy per distinct file content; a name reused with new content gets @<blob>.
	const stored = new Map<string, string>();
	const store = (commit: string, name: string): string => {
		const blob = g("rev-parse", `${commit}:${src.migrationsDir}/${name}`).trim();
		const id = `${name}:${blob}`;
		if (stored.has(id)) return stored.get(id) as string;
		const taken = [...stored.values()].includes(name);
		const key = taken ? `${name}@${blob.slice(0, 8)}` : name;
		writeFileSync(path.join(out, "sql", key), g("cat-file", "blob", blob));
		stored.set(id, key);
		return key;
	};
	const listSql = (commit: string) =>
		g("ls-tree", "--name-only", `${commit}:${src.migrationsDir}`)
			.split("\n")
			.filter((n) => n.endsWith(".sql"));

	const cases: Record<string, unknown>[] = [];
	mkdirSync(path.join(out, "schema"), { recursive: true });
	let prevParent: string | null = null;
	let prevFiles: string[] = [];
	for (const c of commits) {
		const old = listSql(c.parent).map((n) => store(c.parent, n));
		const next = listSql(c.commit).map((n) => store(c.commit, n));
		// The parent's schema and what it imports relatively, stored as a patch on the
		// previous case's (the first one from the empty tree): the schema grows a few
		// lines per migration, so a chain of patches is a fraction of the full copies.
		const files = schemaFiles(g, c.parent, src.schema);
		const patch = g(
			"diff",
			"--no-color",
			"--full-index",
			prevParent ?? EMPTY_TREE,
			c.parent,
			"--",
			...new Set([...prevFiles, ...files]),
		);
		const patchName = `${String(cases.length).padStart(3, "0")}_${c.parent}.patch`;
		// An empty patch (the schema did not change between two parents) is kept: the index stays the case's.
		writeFileSync(path.join(out, "schema", patchName), patch);
		prevParent = c.parent;
		prevFiles = files;
		const prev = known.get(c.commit) ?? {};
		cases.push({
			commit: c.commit,
			parent: c.parent,
			date: c.date,
			subject: c.subject,
			old,
			next,
			schema: patchName,
			schemaEntry: src.schema,
			expect: prev.expect ?? "TODO",
			rules: prev.rules ?? [],
			label: prev.label ?? "TODO",
			reason: prev.reason ?? "TODO",
			...(prev.class ? { class: prev.class } : {}),
			...(prev.knownFalsePositive ? { knownFalsePositive: prev.knownFalsePositive } : {}),
		});
	}
	writeFileSync(casesFile, `${JSON.stringify(cases, null, "\t")}\n`);
	console.log(`${src.id}: ${cases.length} cases, ${stored.size} migration files`);
}
