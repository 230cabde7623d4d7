import { findMigrationsDir } from "./discover";
import { git, repoRoot, resolveCommit } from "./git";
import { readMigrationsAt, readWorkTreeMigrations } from "./migration-files";
import type { MigrationFile } from "./types";

/** What one gate run compares: the ref's migrations, the work tree's, and the difference. */
export interface GateInput {
	/** Top of the git work tree being judged. */
	root: string;
	/** The ref as the user named it, and the commit it names. */
	ref: string;
	commit: string;
	/** The commit's git tree: same tree, same code (the key of cached bundles). */
	tree: string;
	/** Migrations folder, relative to `root`. */
	dir: string;
	/** The Drizzle schema the ref's code declares, relative to `root`, when the user named it (--schema). */
	schema?: string;
	/** The ref's migrations, as the ref has them. */
	oldFiles: MigrationFile[];
	/** The work tree's migrations, as they are on disk (committed or not). */
	files: MigrationFile[];
	/** Files the work tree has and the ref lacks, in apply order: what the gate judges. */
	added: MigrationFile[];
	/** What production has after the deploy: the ref's files exactly as the ref has them, then the new ones. */
	next: MigrationFile[];
}

/** Reads both sides of the comparison; throws UsageError for a bad ref or a missing folder. */
export function readGateInput(cwd: string, ref: string, migrationsDir?: string, schema?: string): GateInput {
	const root = repoRoot(cwd);
	const dir = migrationsDir ?? findMigrationsDir(root);
	const commit = resolveCommit(root, ref);
	const oldFiles = readMigrationsAt(root, commit, ref, dir);
	const files = readWorkTreeMigrations(root, dir);
	const oldNames = new Set(oldFiles.map((f) => f.name));
	const added = files.filter((f) => !oldNames.has(f.name));
	return {
		root,
		ref,
		commit,
		tree: git(root, ["rev-parse", `${commit}^{tree}`]).trim(),
		dir,
		schema,
		oldFiles,
		files,
		added,
		next: [...oldFiles, ...added],
	};
}
