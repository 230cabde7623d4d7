import { rules } from "./rules";
import type { Finding, GateReport } from "./types";

/** The report for people: one block per finding, then the layers and the verdict. */
export function formatReport(r: GateReport): string {
	const lines: string[] = [];
	lines.push(
		`kiln gate: ${r.newMigrations.length} new migration(s) judged against ${r.against.ref} (${r.against.commit.slice(0, 12)})`,
	);
	for (const name of r.newMigrations) lines.push(`  + ${name}`);
	const open = r.findings.filter((f) => !f.allowed);
	const allowed = r.findings.filter((f) => f.allowed);
	const breaking = open.filter((f) => f.severity === "breaks-old-code");
	const risks = open.filter((f) => f.severity === "deploy-risk");
	const blocking = r.strict ? open : breaking;
	if (breaking.length)
		lines.push("", `${breaking.length} finding(s) break the code that is live, and block the deploy:`);
	for (const f of breaking) lines.push("", ...formatFinding(f));
	if (risks.length)
		lines.push(
			"",
			`${risks.length} deploy risk(s): the live code is not affected, but data it may already have written would make the migration fail in production, where D1 rolls that file back and the deploy stops. ${
				r.strict
					? "They block (--strict): check the data, then accept each with a reviewed exception."
					: "They do not block (--strict makes them): run the check each one names on production before deploying."
			}`,
		);
	for (const f of risks) lines.push("", ...formatFinding(f));
	if (allowed.length) lines.push("", `${allowed.length} finding(s) allowed by a reviewed exception:`);
	for (const f of allowed) lines.push("", ...formatFinding(f));
	lines.push("", "layers:");
	for (const l of r.layers) {
		lines.push(
			`  ${l.layer} ${l.name.padEnd(28)} ${l.status.padEnd(15)} ${l.ms > 0 ? `${(l.ms / 1000).toFixed(1)} s` : ""}`.trimEnd(),
		);
		for (const n of l.notes.filter(Boolean)) lines.push(`      ${n}`);
	}
	const time = `${(r.ms / 1000).toFixed(1)} s`;
	const unjudged = r.layers.filter((l) => !l.judged).map((l) => l.layer);
	lines.push(
		"",
		!r.safe
			? `UNSAFE: ${blocking.length} finding(s); fix them or add a reviewed \`-- kiln-gate: allow <rule> -- <reason>\`${
					blocking.some((f) => f.rule.startsWith("durable-object") || f.rule === "wrangler-config-unreadable")
						? " (for a Durable Object class, `# kiln-gate: allow <rule> <Class> -- <reason>` in its wrangler config)"
						: ""
				} (${time}).`
			: `${
					r.verified
						? `SAFE: every new migration is safe for ${r.against.ref}'s code`
						: `SAFE, NOT FULLY VERIFIED: nothing blocks, but layer ${unjudged.join(", ")} did not judge (see the layers above)`
				}${risks.length ? `; ${risks.length} deploy risk(s) to check first (above)` : ""} (${time}).`,
	);
	return lines.join("\n");
}

export function formatFinding(f: Finding): string[] {
	const where = [f.migration, f.statement ? `statement ${f.statement.index} (line ${f.statement.line})` : null]
		.filter(Boolean)
		.join(", ");
	const risk = f.severity === "deploy-risk";
	const out = [
		`[${f.rule}] layer ${f.layer}${risk ? " — DEPLOY RISK" : ""}${where ? ` — ${where}` : ""}${f.allowed ? " — ALLOWED" : ""}`,
		`  what:     ${f.message}`,
	];
	if (f.statement) out.push(`  sql:      ${oneLine(f.statement.sql)}`);
	out.push(risk ? `  fails:    ${f.breaks}` : `  breaks:   ${f.breaks}`, `  safe way: ${f.safeWay}`);
	if (f.allowed) out.push(`  allowed:  line ${f.allowed.line}: ${f.allowed.reason}`);
	return out;
}

function oneLine(sql: string): string {
	const s = sql.replace(/\s+/g, " ").trim();
	return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

export function formatRules(): string {
	return Object.entries(rules)
		.map(([id, r]) => `layer ${r.layer}  ${id.padEnd(34)} ${"severity" in r ? "(deploy risk) " : ""}${r.title}`)
		.join("\n");
}
