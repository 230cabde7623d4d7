// Real deploys (not --dry-run) on throwaway clones of Kiln, with a fake
// `wrangler` first on the deploy's PATH (fakeWrangler in helpers.ts): every
// step runs as it would for a user, the remote commands reach the fake instead
// of Cloudflare, and the test reads what they were.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cloneKiln, fakeWrangler, git, runTs, STACK } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-deploy-real-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const deploy = (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) => runTs("scripts/deploy.ts", args, cwd, env);
const SAFE = "ALTER TABLE `projects` ADD `note` text;\n";
/** The .sql files a commit has under migrations/, as the fake wrangler lists them. */
const migrationsAt = (dir: string, rev: string) =>
	git(dir, "ls-tree", "-z", "--name-only", `${rev}:migrations`)
		.split("\0")
		.filter((f) => f.endsWith(".sql"))
		.sort();

describe.concurrent("npm run deploy (real, with a fake wrangler)", () => {
	it("refuses untracked and ignored files under migrations/ before any step, naming each", async () => {
		// wrangler applies whatever .sql files the folder holds; the clean-tree check used to
		// ignore untracked files, so they went to production under a record that lacks them.
		const dir = cloneKiln(parent, "stray");
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		writeFileSync(path.join(dir, "migrations", "0001_ajouté.sql"), SAFE);
		appendFileSync(path.join(dir, ".git", "info", "exclude"), "migrations/*.local.sql\n");
		writeFileSync(path.join(dir, "migrations", "0002_scratch.local.sql"), "CREATE TABLE `scratch` (`id` integer);\n");
		const fake = fakeWrangler(path.join(parent, "stray-fake"));
		const r = await deploy(dir, fake.env);
		expect(r.code, r.stdout + r.stderr).toBe(2);
		expect(r.stderr).toContain("migrations/0001_ajouté.sql (untracked)");
		expect(r.stderr).toContain("migrations/0002_scratch.local.sql (ignored by git)");
		expect(r.stderr).toContain("Either commit these files");
		expect(r.stderr).not.toMatch(STACK);
		expect(r.stdout).not.toContain("▶");
		expect(fake.calls()).toEqual([]);
		expect(git(dir, "rev-parse", "refs/kiln/deployed").trim()).toBe(git(dir, "rev-parse", "HEAD").trim());
	});

	it("applies exactly the recorded commit's migrations, then records it", async () => {
		const dir = cloneKiln(parent, "clean");
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		const fake = fakeWrangler(path.join(parent, "clean-fake"));
		const r = await deploy(dir, fake.env);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		const apply = fake.calls().filter((c) => c.args.slice(0, 3).join(" ") === "d1 migrations apply");
		expect(apply).toEqual([
			{
				args: ["d1", "migrations", "apply", "kiln", "--remote", "-c", "wrangler.toml"],
				migrations: migrationsAt(dir, "HEAD"),
			},
		]);
		const deployed = fake
			.calls()
			.filter((c) => c.args[0] === "deploy")
			.map((c) => c.args[2]);
		expect(deployed).toEqual(["workers/codegen/wrangler.toml", "workers/notion/wrangler.toml", "wrangler.toml"]);
		expect(git(dir, "rev-parse", "refs/kiln/deployed^{commit}").trim()).toBe(git(dir, "rev-parse", "HEAD").trim());
	});
});
