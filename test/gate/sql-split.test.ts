// The gate keeps its own SQL splitter (src/gate/sql-split.ts says why); this
// holds it to wrangler's, the splitter `wrangler d1 execute` uses, on every
// migration of both corpora: same statements, same text.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isTransactionControl, splitStatements, stripComments } from "../../src/gate/sql-split";

const sqlFiles = (dir: string): string[] =>
	readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && /\.sql(@[0-9a-f]+)?$/.test(e.name))
		.map((e) => path.join(e.parentPath, e.name));

const files = [
	...sqlFiles(path.join(import.meta.dirname, "real")),
	...sqlFiles(path.join(import.meta.dirname, "corpus")),
];

// Comments (the breakpoint marker is one) and the closing semicolon are not part of what runs.
const normal = (s: string) => stripComments(s).replace(/;\s*$/, "").trim();

describe("the gate's SQL splitter agrees with wrangler's", async () => {
	// wrangler costs a second or two of CPU to import: only this test pays it.
	const { unstable_splitSqlQuery } = await import("wrangler");

	it("on enough files to mean something", () => {
		expect(files.length).toBeGreaterThan(80);
	});

	it("on every migration of the real and synthetic corpora", () => {
		for (const file of files) {
			const text = readFileSync(file, "utf8");
			const statements = splitStatements(text);
			const ours = statements.map((s) => normal(s.sql));
			// wrangler refuses a file with several transactions outright; the gate must split it
			// anyway, to name each BEGIN/COMMIT (layer 1) and judge the rest (layers 2-4).
			if (statements.filter((s) => isTransactionControl(s.sql)).length > 1) {
				expect(() => unstable_splitSqlQuery(text), file).toThrow(/several transactions/);
				continue;
			}
			// wrangler does not know drizzle-kit's marker, which only ever sits after a `;` or between statements.
			const theirs = unstable_splitSqlQuery(text.replaceAll("--> statement-breakpoint", ""))
				.map(normal)
				.filter(Boolean);
			expect(ours, file).toEqual(theirs);
		}
	});
});
