/**
 * Issue 14's upgrade path: until the carry-over release, the apps' documents
 * lived in D1's `app_data` table; that release moves them into each project's
 * own database, and this code no longer reads the table. Deployed while the
 * table still holds documents (straight from a release older than the
 * carry-over), it would leave them where no app can reach them. So a real
 * deploy asks the remote database first, through wrangler, and stops unless
 * the table is empty or gone. Once a later release drops the table, the
 * check finds none and costs one query.
 */
import type { Step } from "./steps";
import { D1_NAME, remoteRowCount } from "./wrangler";

export const OLD_DOCUMENTS_TABLE = "app_data";

export function documentsCarriedStep(root: string, opts: { dry: boolean; first: boolean }): Step {
	const what = `the remote ${OLD_DOCUMENTS_TABLE} table holds no documents left to carry over`;
	return {
		name: "documents carried",
		plan: opts.dry ? `(dry run: not asked) ${what}` : opts.first ? `(first deploy: nothing to carry) ${what}` : what,
		run: () => {
			if (opts.dry) {
				console.log(`  dry run: would ask the remote database whether ${OLD_DOCUMENTS_TABLE} is empty`);
				return true;
			}
			if (opts.first) {
				console.log("  first deploy: the remote database has no tables yet");
				return true;
			}
			let n: number | null;
			try {
				n = remoteRowCount(root, OLD_DOCUMENTS_TABLE);
			} catch (e) {
				console.log(`  could not ask the remote database ${D1_NAME}: ${(e as Error).message}`);
				console.log(
					"  The deploy stops rather than guess: check `wrangler login` (or CLOUDFLARE_API_TOKEN), then deploy again.",
				);
				return false;
			}
			if (n === null || n === 0) {
				console.log(`  ${OLD_DOCUMENTS_TABLE}: ${n === null ? "no such table" : "empty"}`);
				return true;
			}
			console.log(notCarried(n));
			return false;
		},
	};
}

function notCarried(n: number): string {
	return [
		`  The remote database ${D1_NAME} still holds ${n} document(s) in ${OLD_DOCUMENTS_TABLE}, where apps kept their documents`,
		"  before they moved into each project's own database. This release no longer reads that table: deployed now, it would",
		"  leave those documents where no app can reach them.",
		`  Deploy the carry-over release first: the parent of the commit that took ${OLD_DOCUMENTS_TABLE} out of the schema,`,
		`    git log -1 --format=%H -S'"${OLD_DOCUMENTS_TABLE}"' -- src/db/schema.ts   (then check out <that commit>^ and npm run deploy)`,
		"  and let it run until every document is carried (its sweep moves them within minutes):",
		`    npx wrangler d1 execute ${D1_NAME} --remote --command "SELECT count(*) FROM ${OLD_DOCUMENTS_TABLE}"   says 0.`,
		"  Then deploy this release again.",
	].join("\n");
}
