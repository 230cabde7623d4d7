import { UsageError } from "../../src/gate/errors";
import { git, listDirAt, resolveCommit } from "../../src/gate/git";
import { DEPLOYED_REF, type DeployRecord } from "./record";
import { D1_NAME, MIGRATIONS_DIR, remoteAppliedMigrations } from "./wrangler";

/**
 * What a deploy gates against, and how it came to be: the deploy record (the
 * normal case); a commit named with --against, which overrides the record
 * loudly and is written into the next one; or nothing, for a --first deploy
 * that wrangler has confirmed (the remote database has no applied migrations).
 */
export interface GateBasis {
	/** The commit whose code is live, or null when there is none to gate against. */
	against: string | null;
	/** The ref to hand the gate (what its report calls the live code). */
	label: string;
	/** The gate step's line in the plan. */
	plan: string;
	/** How this deploy was gated, one line each, for the record it writes. */
	record: string[];
}

export interface BasisOptions {
	root: string;
	head: string;
	record: DeployRecord | null;
	against?: string;
	first?: boolean;
	dry: boolean;
	/** Where notices go (the loud ones too); stderr in the deploy. */
	warn: (line: string) => void;
}

/** Decides what the gate judges against; throws UsageError (exit 2, before any step) when it must not go on. */
export function chooseGateBasis(o: BasisOptions): GateBasis {
	const { root, record } = o;
	const short = (c: string) => c.slice(0, 12);
	if (o.first) {
		if (o.against)
			throw new UsageError("--first and --against contradict each other: a first deploy has nothing to gate against.");
		if (record)
			throw new UsageError(
				`--first, but this checkout records a deploy (${DEPLOYED_REF} = ${short(record.commit)}): leave out --first.`,
			);
		return firstDeploy(o);
	}
	if (o.against) {
		const against = resolveCommit(root, o.against);
		const named = `--against ${o.against}`;
		const base = { against, label: o.against };
		if (record && record.commit !== against) {
			const unjudged = warnOverride(o, against, record);
			return {
				...base,
				plan: `every new migration must be safe for ${short(against)}, named with ${named}, OVERRIDING the deploy record ${short(record.commit)}`,
				record: [
					`Gate: against ${against}, named with ${named}, OVERRIDING the deploy record ${record.commit}.`,
					`Not judged because of the override: ${unjudged.join(", ") || "none"}.`,
				],
			};
		}
		if (record) {
			return {
				...base,
				plan: `every new migration must be safe for the deployed commit ${short(against)} (${named}, the same as ${DEPLOYED_REF})`,
				record: [`Gate: against the recorded deploy ${against} (also named with ${named}).`],
			};
		}
		o.warn(
			`deploy: no ${DEPLOYED_REF} in this checkout; gating against ${short(against)} as named with ${named}. ` +
				`If your team shares the record, fetch it instead: git fetch origin ${DEPLOYED_REF}:${DEPLOYED_REF}`,
		);
		return {
			...base,
			plan: `every new migration must be safe for ${short(against)}, named with ${named} (no deploy record in this checkout)`,
			record: [`Gate: against ${against}, named with ${named}; the deploying checkout had no deploy record.`],
		};
	}
	if (record) {
		if (!isAncestor(root, record.commit, o.head)) {
			// Normal after a squash merge or a rebase: the gate needs the live commit's files, not its place in history.
			o.warn(
				`deploy: note: the recorded deploy ${short(record.commit)} is not in HEAD's history (a squash merge or a rebase leaves it off). ` +
					"The gate judges against that commit's own migrations and code, which are what is live, so nothing else is needed; " +
					"if it is not what is live, name the live commit with --against.",
			);
		}
		return {
			against: record.commit,
			label: record.commit,
			plan: `every new migration must be safe for the deployed commit ${short(record.commit)} (${DEPLOYED_REF})`,
			record: [`Gate: against the recorded deploy ${record.commit}.`],
		};
	}
	if (!o.dry) {
		throw new UsageError(
			`this checkout has no record of the last deploy (${DEPLOYED_REF}), so the gate cannot know which code is live.\n` +
				`  Fetch the record: git fetch origin ${DEPLOYED_REF}:${DEPLOYED_REF}\n` +
				"  or name the live commit: npm run deploy -- --against <commit>\n" +
				"  or, for the very first deploy of this database: npm run deploy -- --first",
		);
	}
	return {
		against: null,
		label: "",
		plan: `no ${DEPLOYED_REF} in this checkout: nothing to gate against (a real deploy would need --against or --first)`,
		record: [],
	};
}

/**
 * --first: nothing is live, so there is nothing to gate against. A fresh clone
 * cannot tell that from the absence of a record, so the remote database is
 * asked, through wrangler, whether it has applied any migration.
 */
function firstDeploy(o: BasisOptions): GateBasis {
	const none = { against: null, label: "" };
	if (o.dry) {
		return {
			...none,
			plan: "first deploy (--first): no live code to break (a real deploy first checks that the remote database has no applied migrations)",
			record: [],
		};
	}
	let applied: string[];
	try {
		applied = remoteAppliedMigrations(o.root);
	} catch (e) {
		throw new UsageError(
			`--first must confirm that the remote database ${D1_NAME} has no applied migrations, and could not ask it: ${(e as Error).message}\n` +
				"  Check that wrangler is logged in (wrangler login, or CLOUDFLARE_API_TOKEN) and that database_id in wrangler.toml is right, then run it again.",
		);
	}
	if (applied.length) {
		throw new UsageError(
			`--first, but the remote database ${D1_NAME} has ${applied.length} applied migration(s) (the last: ${applied.at(-1)}): ` +
				"an earlier deploy's code is live, so this is not a first deploy and the gate must judge against it.\n" +
				`  Fetch the record: git fetch origin ${DEPLOYED_REF}:${DEPLOYED_REF}\n` +
				"  or name the live commit: npm run deploy -- --against <commit>",
		);
	}
	return {
		...none,
		plan: "first deploy (--first): the remote database has no applied migrations (asked through wrangler), so no live code can break",
		record: ["Gate: none, first deploy (--first); wrangler reported no applied migrations in the remote database."],
	};
}

/** The override banner: what --against replaces, and which migrations it keeps the gate from judging (returned). */
function warnOverride(o: BasisOptions, against: string, record: DeployRecord): string[] {
	const names = (commit: string) => new Set(listDirAt(o.root, commit, MIGRATIONS_DIR) ?? []);
	const recorded = names(record.commit);
	const unjudged = [...names(against)].filter((n) => n.endsWith(".sql") && !recorded.has(n)).sort();
	const lines = [
		"==================================== OVERRIDE ====================================",
		`--against ${o.against} (${against.slice(0, 12)}) replaces the deploy record ${DEPLOYED_REF} (${record.commit.slice(0, 12)}).`,
		`The gate judges the new migrations against ${against.slice(0, 12)}'s code, not against the recorded deploy's.`,
		unjudged.length
			? `NOT JUDGED, because ${against.slice(0, 12)} has them and the recorded deploy does not: ${unjudged.join(", ")}`
			: "Every migration the recorded deploy lacks is still judged.",
		"This override is written into the deploy record.",
		"==================================================================================",
	];
	for (const l of lines) o.warn(`deploy: ${l}`);
	return unjudged;
}

function isAncestor(root: string, maybe: string, of: string): boolean {
	try {
		git(root, ["merge-base", "--is-ancestor", maybe, of]);
		return true;
	} catch {
		return false;
	}
}
