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
const rev = (dir: string, what: string) => git(dir, "rev-parse", what).trim();
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
		expect(rev(dir, "refs/kiln/deployed")).toBe(rev(dir, "HEAD"));
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
		expect(git(dir, "log", "-1", "--format=%B", "refs/kiln/deployed")).toContain(`Kiln-Deployed: ${rev(dir, "HEAD")}`);
	});

	it("stops before any migration while the remote app_data table still holds documents, and says to deploy the carry-over release first", async () => {
		// Issue 14: this release no longer reads app_data. A Kiln deployed from before the carry-over
		// release, upgraded straight to this one, would leave every app's documents behind.
		const dir = cloneKiln(parent, "not-carried");
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		const fake = fakeWrangler(path.join(parent, "not-carried-fake"), { appData: 3 });
		const r = await deploy(dir, fake.env);
		expect(r.code, r.stdout + r.stderr).toBe(1);
		expect(r.stdout).toContain("still holds 3 document(s) in app_data");
		expect(r.stdout).toContain("Deploy the carry-over release first");
		expect(r.stdout).toContain(`git log -1 --format=%H -S'"app_data"' -- src/db/schema.ts`);
		expect(r.stdout).toContain('--command "SELECT count(*) FROM app_data"');
		expect(r.stdout).toContain("✗ documents carried failed: the deploy stopped here. Not run: migrations,");
		expect(r.stderr).not.toMatch(STACK);
		expect(fake.calls().map((c) => c.args.slice(0, 3).join(" "))).toEqual(["d1 execute kiln", "d1 execute kiln"]);
		expect(rev(dir, "refs/kiln/deployed")).toBe(rev(dir, "HEAD"));

		// Once the carry-over has emptied it, the same deploy goes through.
		const empty = fakeWrangler(path.join(parent, "carried-fake"), { appData: 0 });
		const ok = await deploy(dir, empty.env);
		expect(ok.code, ok.stdout + ok.stderr).toBe(0);
		expect(ok.stdout).toContain("app_data: empty");

		// A database that cannot be asked stops the deploy too: the gate fails closed, so does this.
		const broken = fakeWrangler(path.join(parent, "carried-broken-fake"), {
			d1Error: "Authentication error [code: 10000]",
		});
		const b = await deploy(dir, broken.env);
		expect(b.code, b.stdout + b.stderr).toBe(1);
		expect(b.stdout).toContain(
			"could not ask the remote database kiln: wrangler d1 execute failed: Authentication error",
		);
		expect(broken.calls().some((c) => c.args[0] === "deploy" || c.args[1] === "migrations")).toBe(false);
	});

	it("an --against that overrides the record says so loudly, names what it leaves unjudged, and goes into the record", async () => {
		// `--against HEAD` used to replace the record silently: an unsafe DROP COLUMN went
		// through, and the plan called HEAD "the deployed commit".
		const dir = cloneKiln(parent, "override");
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		const recorded = rev(dir, "HEAD");
		writeFileSync(
			path.join(dir, "migrations", "0001_drop_prompt.sql"),
			"ALTER TABLE `versions` DROP COLUMN `prompt`;\n",
		);
		git(dir, "add", "migrations");
		git(dir, "commit", "-q", "-m", "drop versions.prompt");
		const head = rev(dir, "HEAD");
		const fake = fakeWrangler(path.join(parent, "override-fake"));
		const r = await deploy(dir, fake.env, "--against", "HEAD");
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stderr).toContain("OVERRIDE");
		expect(r.stderr).toContain(
			`--against HEAD (${head.slice(0, 12)}) replaces the deploy record refs/kiln/deployed (${recorded.slice(0, 12)})`,
		);
		expect(r.stderr).toMatch(/NOT JUDGED, .*: 0001_drop_prompt\.sql/);
		expect(r.stdout).toMatch(/1\. gate: .*OVERRIDING the deploy record/);
		expect(r.stdout).not.toContain(`the deployed commit ${head.slice(0, 12)}`);
		const record = git(dir, "log", "-1", "--format=%B", "refs/kiln/deployed");
		expect(record).toContain(`named with --against HEAD, OVERRIDING the deploy record ${recorded}`);
		expect(record).toContain("Not judged because of the override: 0001_drop_prompt.sql");
		expect(record).toContain(`Kiln-Deployed: ${head}`);
	});

	it("--first asks the remote database through wrangler and refuses when it has applied migrations or cannot be asked", async () => {
		// A fresh clone has no record; --first used to be believed there, skipping the gate
		// while an earlier deploy's code was live.
		const dir = cloneKiln(parent, "first-refused");
		const fake = fakeWrangler(path.join(parent, "first-refused-fake"), { applied: ["0000_init.sql"] });
		const r = await deploy(dir, fake.env, "--first");
		expect(r.code, r.stdout + r.stderr).toBe(2);
		expect(r.stderr).toContain(
			"--first, but the remote database kiln has 1 applied migration(s) (the last: 0000_init.sql)",
		);
		expect(r.stderr).toContain("git fetch origin refs/kiln/deployed:refs/kiln/deployed");
		expect(r.stderr).not.toMatch(STACK);
		expect(r.stdout).not.toContain("▶");
		const asked = fake.calls().map((c) => c.args);
		expect(asked.map((a) => a.slice(0, 4).join(" "))).toEqual(["d1 execute kiln --remote", "d1 execute kiln --remote"]);

		const broken = fakeWrangler(path.join(parent, "first-broken-fake"), {
			d1Error: "Authentication error [code: 10000]",
		});
		const b = await deploy(dir, broken.env, "--first");
		expect(b.code, b.stdout + b.stderr).toBe(2);
		expect(b.stderr).toContain("could not ask it: wrangler d1 execute failed: Authentication error [code: 10000]");
		expect(b.stdout).not.toContain("▶");
		expect(git(dir, "for-each-ref", "refs/kiln").trim()).toBe("");
	});

	it("--first on a remote database without applied migrations deploys, and the record says how", async () => {
		const dir = cloneKiln(parent, "first");
		const fake = fakeWrangler(path.join(parent, "first-fake"));
		const r = await deploy(dir, fake.env, "--first");
		expect(r.code, r.stdout + r.stderr).toBe(0);
		const calls = fake.calls().map((c) => c.args.slice(0, 3).join(" "));
		expect(calls.slice(0, 2)).toEqual(["d1 execute kiln", "d1 migrations apply"]);
		expect(fake.calls()[1].migrations).toEqual(migrationsAt(dir, "HEAD"));
		const record = git(dir, "log", "-1", "--format=%B", "refs/kiln/deployed");
		expect(record).toContain("first deploy (--first); wrangler reported no applied migrations");
		expect(record).toContain(`Kiln-Deployed: ${rev(dir, "HEAD")}`);
	});

	it("after a squash merge leaves the recorded deploy off HEAD's history, gates against it all the same and the record fast-forwards", async () => {
		const dir = cloneKiln(parent, "squash");
		git(dir, "checkout", "-q", "-b", "feature");
		writeFileSync(path.join(dir, "migrations", "0001_note.sql"), SAFE);
		git(dir, "add", "migrations");
		git(dir, "commit", "-q", "-m", "projects.note");
		// Deployed from the branch (by an older deploy, whose record was the commit itself).
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		const feature = rev(dir, "HEAD");
		git(dir, "checkout", "-q", "-");
		git(dir, "merge", "-q", "--squash", "feature");
		git(dir, "commit", "-q", "-m", "projects.note (squashed)");
		const fake = fakeWrangler(path.join(parent, "squash-fake"));
		const r = await deploy(dir, fake.env);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stderr).toContain("is not in HEAD's history (a squash merge or a rebase leaves it off)");
		// The squashed commit has the same 0001_note.sql as the deployed one: nothing new to judge.
		expect(r.stdout).toContain(`0 new migration(s) judged against ${feature}`);
		// The new record descends from the old one, so `git push origin refs/kiln/deployed` fast-forwards.
		git(dir, "merge-base", "--is-ancestor", feature, "refs/kiln/deployed");
		expect(git(dir, "log", "-1", "--format=%B", "refs/kiln/deployed")).toContain(`Kiln-Deployed: ${rev(dir, "HEAD")}`);
	});
});
