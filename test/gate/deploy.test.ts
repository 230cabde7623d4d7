// `npm run deploy -- --dry-run` on throwaway clones of Kiln. Nothing here
// contacts Cloudflare: dry runs only bundle, and the one non-dry run stops
// before any step (uncommitted changes).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cloneKiln, git, runTs, STACK } from "./helpers";

const parent = mkdtempSync(path.join(tmpdir(), "kiln-gate-deploy-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const deploy = (cwd: string, ...args: string[]) => runTs("scripts/deploy.ts", args, cwd);
const UNSAFE = "ALTER TABLE `versions` RENAME COLUMN `prompt` TO `prompt_text`;\n";

describe.concurrent("npm run deploy -- --dry-run", () => {
	it("on a clean checkout: gates, bundles every Worker, prints the plan, exits 0", async () => {
		const dir = cloneKiln(parent, "clean");
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		const out = path.join(parent, "clean-out");
		const r = await deploy(dir, "--dry-run", "--outdir", out);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stdout).toMatch(
			/plan:\n {2}1\. gate: .*\n {2}2\. documents carried: .*\n {2}3\. migrations: .*\n {2}4\. queue: .*\n {2}5\. worker codegen: .*\n {2}6\. worker notion: .*\n {2}7\. worker web: .*\n {2}8\. record: /,
		);
		expect(r.stdout).toContain("SAFE");
		expect(r.stdout).toContain("dry run: would ask the remote database whether app_data is empty");
		expect(r.stdout).toContain("would run `wrangler d1 migrations apply kiln --remote");
		for (const w of ["codegen", "notion", "web"]) expect(existsSync(path.join(out, w)), w).toBe(true);
		expect(r.stdout).toContain("dry run complete");
		// A dry run records nothing.
		expect(git(dir, "rev-parse", "refs/kiln/deployed").trim()).toBe(git(dir, "rev-parse", "HEAD").trim());
	});

	it("with an unsafe migration: stops at the gate, exits non-zero, runs nothing after it", async () => {
		const dir = cloneKiln(parent, "unsafe");
		git(dir, "update-ref", "refs/kiln/deployed", "HEAD");
		writeFileSync(path.join(dir, "migrations", "0001_rename_prompt.sql"), UNSAFE);
		const out = path.join(parent, "unsafe-out");
		const r = await deploy(dir, "--dry-run", "--outdir", out);
		expect(r.code).toBe(1);
		expect(r.stdout).toContain("[declared-column-renamed]");
		expect(r.stdout).toContain(
			"✗ gate failed: the deploy stopped here. Not run: documents carried, migrations, queue, worker codegen, worker notion, worker web, record.",
		);
		expect(r.stdout).not.toContain("▶ [2/8]");
		expect(r.stdout).not.toContain("$ ");
		expect(existsSync(out)).toBe(false);
		expect(r.stderr).not.toMatch(STACK);
	});

	it("a real deploy from a checkout without the deploy record stops before any step and says how to go on", async () => {
		// A fresh clone has no refs/kiln/deployed. Taking that for a first deploy would skip the
		// gate while old code is live: the very outage the gate exists to prevent.
		const dir = cloneKiln(parent, "no-record");
		const r = await deploy(dir);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("no record of the last deploy (refs/kiln/deployed)");
		expect(r.stderr).toContain("git fetch origin refs/kiln/deployed:refs/kiln/deployed");
		expect(r.stderr).toContain("--against <commit>");
		expect(r.stderr).toContain("npm run deploy -- --first");
		expect(r.stdout).not.toContain("▶");
		expect(r.stderr).not.toMatch(STACK);
		// --first contradicts a named commit.
		const both = await deploy(dir, "--first", "--against", "HEAD");
		expect(both.code).toBe(2);
		expect(both.stderr).toContain("--first and --against contradict each other");
		expect(both.stdout).not.toContain("▶");
	});

	it("a dry run without the record says what a real deploy would need", async () => {
		const dir = cloneKiln(parent, "dry-no-record");
		const r = await deploy(dir, "--dry-run", "--outdir", path.join(parent, "dry-no-record-out"));
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stdout).toContain("a real deploy would need --against or --first");
	});

	it("a real deploy refuses uncommitted changes before any step", async () => {
		const dir = cloneKiln(parent, "dirty");
		writeFileSync(path.join(dir, "migrations", "0000_init.sql"), "-- edited\n");
		const r = await deploy(dir);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("uncommitted changes");
		expect(r.stdout).not.toContain("▶");
	});
});
