import { spawnSync } from "node:child_process";

export interface Step {
	name: string;
	/** What the step does, for the plan. */
	plan: string;
	/** Runs the step; throws (or returns false) to stop the deploy. */
	run: () => Promise<boolean | undefined> | boolean | undefined;
}

/**
 * Runs steps in order and stops at the first failure: nothing after a failed
 * step runs. Prints the plan first, then each step as it starts and ends.
 */
export async function runSteps(title: string, steps: Step[], out = console.log): Promise<boolean> {
	out(`${title}\n\nplan:`);
	for (const [i, s] of steps.entries()) out(`  ${i + 1}. ${s.name}: ${s.plan}`);
	for (const [i, s] of steps.entries()) {
		out(`\n▶ [${i + 1}/${steps.length}] ${s.name}`);
		let ok: boolean;
		try {
			ok = (await s.run()) !== false;
		} catch (e) {
			out(`  ${(e as Error).message}`);
			ok = false;
		}
		if (!ok) {
			const skipped = steps.slice(i + 1).map((x) => x.name);
			out(`\n✗ ${s.name} failed: the deploy stopped here.${skipped.length ? ` Not run: ${skipped.join(", ")}.` : ""}`);
			return false;
		}
		out(`✓ ${s.name}`);
	}
	return true;
}

/** Runs a command with inherited output; returns whether it exited 0. */
export function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): boolean {
	console.log(`  $ ${[cmd, ...args].join(" ")}`);
	const r = spawnSync(cmd, args, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
	if (r.error) console.log(`  could not start ${cmd}: ${r.error.message}`);
	return r.status === 0;
}
