import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../migrations.ts";

const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
const WORKERS = ["web", "codegen", "notion"];
const DEV_SCRIPT = "npm run dev";

/** The rows of the table under `## Settings` in the README: name → who reads it. */
function settingsTable(): Map<string, Set<string>> {
	const readme = read("README.md");
	const section = readme.slice(
		readme.indexOf("\n## Settings\n"),
		readme.indexOf("\n## ", readme.indexOf("\n## Settings\n") + 1),
	);
	const rows = new Map<string, Set<string>>();
	for (const m of section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+) \|/gm)) {
		rows.set(m[1], new Set(m[2].split(",").map((s) => s.trim())));
	}
	return rows;
}

/** The settings a Worker's hand-written bindings.d.ts declares (those wrangler.toml does not). */
function declaredSettings(worker: string): string[] {
	const text = read(`workers/${worker}/bindings.d.ts`);
	return [...text.matchAll(/^\s*([A-Z][A-Z0-9_]*)\??:/gm)].map((m) => m[1]);
}

/** What wrangler.toml binds for a Worker (DB, queues...), from its generated types. */
function configBindings(worker: string): Set<string> {
	const text = read(`workers/${worker}/worker-configuration.d.ts`);
	return new Set([...text.matchAll(/^\s*([A-Z][A-Z0-9_]*)\??:/gm)].map((m) => m[1]));
}

function filesUnder(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
	for (const name of readdirSync(path.join(repoRoot, dir))) {
		if (["node_modules", ".git", ".wrangler", "dist", "test-results", "screenshots"].includes(name)) continue;
		const rel = path.join(dir, name);
		if (statSync(path.join(repoRoot, rel)).isDirectory()) filesUnder(rel, keep, out);
		else if (keep(rel)) out.push(rel);
	}
	return out;
}

describe("the settings table in README.md", () => {
	const table = settingsTable();

	it("lists every setting a Worker declares, with exactly the Workers that read it", () => {
		const readers = new Map<string, Set<string>>();
		for (const w of WORKERS) {
			for (const name of declaredSettings(w)) readers.set(name, new Set([...(readers.get(name) ?? []), w]));
		}
		expect(readers.size).toBeGreaterThan(0);
		const workerRows = [...table].filter(([, by]) => !by.has(DEV_SCRIPT));
		expect(Object.fromEntries(workerRows.map(([name, by]) => [name, [...by].sort()]))).toEqual(
			Object.fromEntries([...readers].map(([name, by]) => [name, [...by].sort()])),
		);
	});

	it("lists exactly what .dev.vars.example documents", () => {
		const example = Object.keys(parseEnv(read(".dev.vars.example"))).sort();
		const workerRows = [...table].filter(([, by]) => !by.has(DEV_SCRIPT)).map(([name]) => name);
		expect(workerRows.sort()).toEqual(example);
	});

	it("covers every setting the Workers' code reads from env", () => {
		for (const w of WORKERS) {
			const bound = configBindings(w);
			const sources = filesUnder(`workers/${w}`, (f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts"));
			for (const file of sources) {
				for (const m of read(file).matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) {
					if (bound.has(m[1])) continue;
					expect(table.get(m[1]), `${file} reads ${m[1]}`).toBeDefined();
				}
			}
		}
	});

	it("lists exactly the variables npm run dev reads for itself", () => {
		const script = read("scripts/dev.mjs");
		// NODE_ENV is set by the script for Vite, not read from the user.
		const read_ = new Set([...script.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
		read_.delete("NODE_ENV");
		const devRows = [...table].filter(([, by]) => by.has(DEV_SCRIPT)).map(([name]) => name);
		expect(devRows.sort()).toEqual([...read_].sort());
	});
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, "")
		.replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const out = new Set<string>();
	let fence = false;
	for (const line of markdown.split("\n")) {
		if (line.startsWith("```")) fence = !fence;
		const m = !fence && /^#{1,6} (.*)$/.exec(line);
		if (!m) continue;
		const base = slug(m[1]);
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		out.add(n === 0 ? base : `${base}-${n}`);
	}
	return out;
}

/** `[text](target)` links outside code, with their line numbers. */
function linksOf(markdown: string): { target: string; line: number }[] {
	const out: { target: string; line: number }[] = [];
	let fence = false;
	markdown.split("\n").forEach((line, i) => {
		if (line.startsWith("```")) fence = !fence;
		if (fence) return;
		const text = line.replace(/`[^`]*`/g, "");
		for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) out.push({ target: m[1], line: i + 1 });
	});
	return out;
}

describe("README links", () => {
	const readmes = filesUnder(".", (f) => path.basename(f) === "README.md");

	it("finds the front README and one beside each part", () => {
		expect(readmes.sort()).toEqual(
			expect.arrayContaining([
				"README.md",
				"bench/README.md",
				"src/gate/README.md",
				"src/spa/README.md",
				"workers/codegen/README.md",
				"workers/notion/README.md",
				"workers/web/README.md",
			]),
		);
		const front = read("README.md");
		for (const part of readmes.filter((f) => f !== "README.md")) expect(front).toContain(`](${part})`);
	});

	it.each(readmes)("every relative link in %s resolves to a file and heading", (file) => {
		const text = read(file);
		const broken: string[] = [];
		for (const { target, line } of linksOf(text)) {
			if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
			const [pathPart, anchor] = target.split("#", 2);
			const resolved = pathPart ? path.join(path.dirname(file), decodeURI(pathPart)) : file;
			if (!existsSync(path.join(repoRoot, resolved))) {
				broken.push(`${file}:${line} ${target}: no file ${resolved}`);
				continue;
			}
			if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(read(resolved)).has(anchor)) {
				broken.push(`${file}:${line} ${target}: no heading #${anchor} in ${resolved}`);
			}
		}
		expect(broken).toEqual([]);
	});
});
