/**
 * `npm run gate -- --against <git-ref> [--json]`: is every migration the work
 * tree has and <git-ref> lacks safe for <git-ref>'s code?
 * Exit 0 safe, 1 findings, 2 usage errors (never a stack trace).
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors";
import { runGate } from "./gate";
import type { Layer3Mode } from "./old-tests";
import { formatReport, formatRules } from "./report";
import type { Layer } from "./types";

const USAGE = `usage: npm run gate -- --against <git-ref> [options]

Judges every migration the work tree has (committed or not) and <git-ref>
lacks: is it safe while <git-ref>'s code is live?

  --against <ref>        the deployed commit, tag or branch (required)
  --json                 print the report as JSON on stdout
  --layers <list>        run only these layers, e.g. 1,2 (default 1,2,3,4)
  --layer3 <mode>        auto | vitest | workerd | off (default auto)
  --test-command <cmd>   layer 3 runs <cmd> (your db tests) in <git-ref>'s
                         checkout, then again with the new migrations added
  --migrations <dir>     migrations folder (default: migrations/, else the
                         migrations_dir of wrangler's config, else the out
                         of a drizzle.config.* at the root or in packages/*)
  --schema <file>        the Drizzle schema of <git-ref>'s code (default: the
                         schema of drizzle.config.* beside the migrations,
                         else src/db/schema.ts)
  --strict               deploy risks block too (exit 1), not only breaks
  --rules                list the rules (names for allow annotations)
  -h, --help             this text

A layer that should judge and cannot (the ref's own migrations do not replay
on local D1, its db tests do not run) is a finding: the gate fails closed.
--json says per layer whether it judged, and "verified" whether all did.

exit 0: safe   1: findings   2: usage error`;

async function main(argv: string[]): Promise<number> {
	let args: ReturnType<typeof parse>;
	try {
		args = parse(argv);
	} catch (e) {
		return usage((e as Error).message);
	}
	const v = args.values;
	if (v.help) {
		console.log(USAGE);
		return 0;
	}
	if (v.rules) {
		console.log(formatRules());
		return 0;
	}
	if (!v.against) return usage("--against <git-ref> is required.");
	if (args.positionals.length) return usage(`unexpected argument "${args.positionals[0]}".`);
	const layers = (v.layers ?? "1,2,3,4").split(",").map((s) => Number(s.trim()));
	if (layers.some((n) => ![1, 2, 3, 4].includes(n)))
		return usage(`--layers takes numbers from 1 to 4, got "${v.layers}".`);
	const mode = v.layer3 ?? "auto";
	if (!["auto", "vitest", "workerd", "off"].includes(mode))
		return usage(`--layer3 must be auto, vitest, workerd or off, got "${mode}".`);

	try {
		const report = await runGate({
			cwd: process.cwd(),
			against: v.against,
			migrationsDir: v.migrations,
			strict: v.strict,
			schema: v.schema,
			testCommand: v["test-command"],
			layers: layers as Layer[],
			layer3: mode as Layer3Mode,
			log: (line) => process.stderr.write(`gate: ${line}\n`),
		});
		console.log(v.json ? JSON.stringify(report, null, 2) : formatReport(report));
		return report.safe ? 0 : 1;
	} catch (e) {
		if (e instanceof UsageError) return usage(e.message, false);
		// Not the user's input: still one readable line, with the stack only on request.
		process.stderr.write(`gate: internal error: ${(e as Error).message}\n`);
		if (process.env.KILN_GATE_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
		return 2;
	}
}

function parse(argv: string[]) {
	return parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			against: { type: "string" },
			json: { type: "boolean" },
			layers: { type: "string" },
			layer3: { type: "string" },
			migrations: { type: "string" },
			rules: { type: "boolean" },
			strict: { type: "boolean" },
			schema: { type: "string" },
			"test-command": { type: "string" },
			help: { type: "boolean", short: "h" },
		},
	});
}

function usage(message: string, withHelp = true): number {
	process.stderr.write(`gate: ${message}\n${withHelp ? `\n${USAGE}\n` : ""}`);
	return 2;
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(e) => {
		process.stderr.write(`gate: internal error: ${(e as Error).message}\n`);
		process.exitCode = 2;
	},
);
