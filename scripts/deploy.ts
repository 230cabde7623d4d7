/**
 * `npm run deploy [-- --dry-run] [--against <ref>]`
 *
 * 1. the migration gate against the last deployed commit (refs/kiln/deployed,
 *    or --against, which overrides it loudly and is recorded). With neither, a
 *    real deploy stops unless told `--first`, which it believes only once
 *    wrangler reports no applied migrations in the remote database: a
 *    checkout without the record (a fresh clone, another machine) must not
 *    pass for the first deploy and skip the gate while old code is live
 *    (deploy/gate-basis.ts).
 * 2. the apps' documents: a real deploy stops while the remote app_data table,
 *    where they lived before issue 14, still holds any (deploy/documents-carried.ts),
 * 3. `wrangler d1 migrations apply kiln --remote`: a real deploy refuses any
 *    untracked, ignored or modified file under migrations/ first, so what
 *    wrangler applies is exactly the commit the deploy records,
 * 4. the notion Worker's queue, created if missing,
 * 5. the Workers: codegen, notion, then web (the gateway last, so it never
 *    routes to a Worker that is not there yet),
 * 6. record the deployed commit, and how it was gated (deploy/record.ts).
 * Any failure stops everything after it. `--dry-run` runs what needs no
 * Cloudflare account (the gate, `wrangler deploy --dry-run` bundles) and
 * prints the rest. wrangler is run from the PATH (see deploy/wrangler.ts).
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../src/gate/errors";
import { runGate } from "../src/gate/gate";
import { repoRoot, resolveCommit } from "../src/gate/git";
import { formatReport } from "../src/gate/report";
import { documentsCarriedStep } from "./deploy/documents-carried";
import { chooseGateBasis, type GateBasis } from "./deploy/gate-basis";
import { DEPLOYED_REF, type DeployRecord, lastDeployed, recordDeployed } from "./deploy/record";
import { runSteps, type Step, sh } from "./deploy/steps";
import { changedUnder, describeChange, trackedChanges } from "./deploy/work-tree";
import { D1_CONFIG, D1_NAME, MIGRATIONS_DIR, wrangler, wranglerSucceeds } from "./deploy/wrangler";

/** The notion Worker's event queue (workers/notion/wrangler.toml). */
const NOTION_QUEUE = "kiln-notion-events";
const APPLY = ["d1", "migrations", "apply", D1_NAME, "--remote", "-c", D1_CONFIG];

const WORKERS: { name: string; config: string; env?: string }[] = [
	// `production` adds the Workers AI binding, which wrangler dev cannot simulate.
	{ name: "codegen", config: "workers/codegen/wrangler.toml", env: "production" },
	{ name: "notion", config: "workers/notion/wrangler.toml" },
	{ name: "web", config: "wrangler.toml" },
];

async function main(): Promise<number> {
	let values: { "dry-run"?: boolean; against?: string; first?: boolean; outdir?: string; help?: boolean };
	try {
		({ values } = parseArgs({
			options: {
				"dry-run": { type: "boolean" },
				against: { type: "string" },
				first: { type: "boolean" },
				outdir: { type: "string" },
				help: { type: "boolean", short: "h" },
			},
		}));
	} catch (e) {
		console.error(`deploy: ${(e as Error).message}`);
		return 2;
	}
	if (values.help) {
		console.log(
			"usage: npm run deploy [-- --dry-run] [--against <ref> | --first] [--outdir <dir>]\n\n" +
				`  --dry-run   run the gate and wrangler's dry-run bundles; touch nothing remote\n` +
				`  --against   gate against this ref instead of ${DEPLOYED_REF}; overriding the record is announced\n` +
				"              loudly (with the migrations it keeps from being judged) and written into the next record\n" +
				"  --first     the first deploy of this database: no code is live, so there is nothing to gate against;\n" +
				"              a real deploy first asks the remote database (through wrangler) that it has no applied migrations\n" +
				"  --outdir    where --dry-run writes the bundles (default: a temporary folder)",
		);
		return 0;
	}
	const dry = values["dry-run"] === true;
	let root: string;
	let head: string;
	let record: DeployRecord | null;
	try {
		root = repoRoot(process.cwd());
		head = resolveCommit(root, "HEAD");
		record = lastDeployed(root);
	} catch (e) {
		console.error(`deploy: ${(e as Error).message}`);
		return 2;
	}
	const stray = changedUnder(root, MIGRATIONS_DIR);
	const dirty = trackedChanges(root).length > 0 || stray.length > 0;
	if (stray.length && !dry) {
		console.error(strayMigrations(stray));
		return 2;
	}
	if (dirty && !dry) {
		console.error(
			"deploy: the work tree has uncommitted changes. Commit them first: the deploy records the commit it deployed, and the record must be true.",
		);
		return 2;
	}
	let basis: GateBasis;
	try {
		basis = chooseGateBasis({
			root,
			head,
			record,
			against: values.against,
			first: values.first,
			dry,
			warn: (line) => console.error(line),
		});
	} catch (e) {
		console.error(`deploy: ${(e as Error).message}`);
		return 2;
	}
	const { against } = basis;
	const outdir = values.outdir ?? mkdtempSync(path.join(tmpdir(), "kiln-deploy-"));

	const steps: Step[] = [
		{
			name: "gate",
			plan: basis.plan,
			run: async () => {
				if (!against) {
					console.log(
						values.first
							? "  first deploy: no live code can break."
							: `  no ${DEPLOYED_REF}: the gate has nothing to judge. A real deploy stops here unless given --against <commit> or --first.`,
					);
					return true;
				}
				try {
					const report = await runGate({
						cwd: root,
						against: basis.label,
						log: (l) => console.log(`  gate: ${l}`),
					});
					console.log(formatReport(report).replace(/^/gm, "  "));
					return report.safe;
				} catch (e) {
					if (e instanceof UsageError) console.log(`  gate: ${e.message}`);
					throw e;
				}
			},
		},
		documentsCarriedStep(root, { dry, first: values.first === true }),
		{
			name: "migrations",
			plan: dry
				? `(dry run: not applied) wrangler ${APPLY.join(" ")}`
				: `wrangler ${APPLY.join(" ")}: exactly ${head.slice(0, 12)}'s ${MIGRATIONS_DIR}/`,
			run: () => {
				if (dry) {
					console.log(`  dry run: would run \`wrangler ${APPLY.join(" ")}\``);
					return true;
				}
				// Checked again at the last moment: wrangler applies whatever the folder holds now.
				const late = changedUnder(root, MIGRATIONS_DIR);
				if (late.length) {
					console.log(`  ${strayMigrations(late)}`);
					return false;
				}
				return wrangler(root, APPLY);
			},
		},
		{
			name: "queue",
			plan: dry
				? `(dry run: not checked) the notion Worker's queue ${NOTION_QUEUE} exists`
				: `create the notion Worker's queue ${NOTION_QUEUE} unless it exists`,
			run: () => {
				if (dry) {
					console.log(`  dry run: would run \`wrangler queues info ${NOTION_QUEUE}\` and create it if missing`);
					return true;
				}
				// The consumer and producer in workers/notion/wrangler.toml need the queue to exist first.
				if (wranglerSucceeds(root, ["queues", "info", NOTION_QUEUE])) {
					console.log(`  ${NOTION_QUEUE} exists`);
					return true;
				}
				return wrangler(root, ["queues", "create", NOTION_QUEUE]);
			},
		},
		...WORKERS.map(
			(w): Step => ({
				name: `worker ${w.name}`,
				plan: dry
					? `wrangler deploy -c ${w.config}${w.env ? ` --env ${w.env}` : ""} --dry-run --outdir ${path.join(outdir, w.name)}`
					: `wrangler deploy -c ${w.config}${w.env ? ` --env ${w.env}` : ""}`,
				run: () => {
					if (w.name === "web") {
						const assets = path.join(root, "dist", "spa");
						if (dry && !existsSync(assets)) {
							// The web Worker's assets directory must exist for wrangler to bundle it.
							console.log("  dry run: dist/spa is missing; created empty (run `npm run build` for the real SPA)");
							mkdirSync(assets, { recursive: true });
						} else if (!dry && !sh("npm", ["run", "build"], root)) {
							return false;
						}
					}
					const args = ["deploy", "-c", w.config, ...(w.env ? ["--env", w.env] : [])];
					if (dry) args.push("--dry-run", "--outdir", path.join(outdir, w.name));
					return wrangler(root, args);
				},
			}),
		),
		{
			name: "record",
			plan: dry
				? `(dry run: not recorded) ${head.slice(0, 12)} in ${DEPLOYED_REF}`
				: `${head.slice(0, 12)} in ${DEPLOYED_REF}, with how it was gated`,
			run: () => {
				if (dry) {
					console.log(`  dry run: would record ${head} in ${DEPLOYED_REF}`);
					return true;
				}
				const entry = recordDeployed(root, head, record, basis.record);
				console.log(`  ${DEPLOYED_REF} = ${entry.slice(0, 12)}, recording ${head} as deployed`);
				for (const line of basis.record) console.log(`  ${line}`);
				console.log(`  Share it: git push origin ${DEPLOYED_REF} (read it: git log ${DEPLOYED_REF})`);
				return true;
			},
		},
	];

	const title = `kiln deploy${dry ? " --dry-run" : ""}: ${head.slice(0, 12)}${dirty ? " plus uncommitted changes" : ""}`;
	const ok = await runSteps(title, steps);
	console.log(
		ok
			? dry
				? "\ndry run complete: the gate passed and every Worker bundles; nothing remote was touched."
				: `\ndeployed ${head.slice(0, 12)}.`
			: "",
	);
	return ok ? 0 : 1;
}

/**
 * Why a real deploy refuses files under migrations/ that HEAD does not have as
 * they are: wrangler would apply them, and the record would name a commit
 * that lacks them. Names each file and how to go on.
 */
function strayMigrations(files: ReturnType<typeof changedUnder>): string {
	return [
		`deploy: ${MIGRATIONS_DIR}/ has uncommitted changes, and \`wrangler d1 migrations apply\` would apply what is on disk, not the commit the deploy records:`,
		...files.map((c) => `    ${describeChange(c)}`),
		"  The deploy applies exactly the commit it records. Either commit these files (the gate then judges them),",
		`  or move them out of ${MIGRATIONS_DIR}/ (or delete them), then deploy again.`,
		"  `npm run deploy -- --dry-run` still gates the work tree as it is.",
	].join("\n");
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(e) => {
		console.error(`deploy: ${(e as Error).message}`);
		process.exitCode = 1;
	},
);
