/** The four layers of the gate, in the order they run. */
export type Layer = 1 | 2 | 3 | 4;

export const layerNames: Record<Layer, string> = {
	1: "static checks",
	2: "schema diff",
	3: "old tests on the new schema",
	4: "data rehearsal",
};

/** One migration file, as the work tree or the ref has it. */
export interface MigrationFile {
	/** File name, e.g. `0003_add_title.sql`. */
	name: string;
	/** The leading number, or null when the name has none. */
	number: number | null;
	text: string;
	statements: Statement[];
	allows: AllowAnnotation[];
}

export interface Statement {
	/** 1-based position within its file. */
	index: number;
	sql: string;
	/** 1-based line of the statement's first character in the file. */
	line: number;
}

/** `-- kiln-gate: allow <rule> -- <reason>`: a reviewed exception. */
export interface AllowAnnotation {
	rule: string;
	reason: string;
	line: number;
}

/**
 * `breaks-old-code`: the ref's code, live while and after the migration runs,
 * fails on the new schema (or the migration fails whatever the data).
 * `deploy-risk`: the ref's code is fine, but data its schema allows would make
 * the migration itself fail in production (D1 then rolls that file back).
 * A break blocks (exit 1) until fixed or accepted with a reviewed exception;
 * a deploy risk is reported, with the query that checks production, and
 * blocks only with --strict. They are worded differently and carry their
 * severity in --json.
 */
export type Severity = "breaks-old-code" | "deploy-risk";

export interface Finding {
	layer: Layer;
	severity: Severity;
	/** Stable rule id, the word an allow annotation names. */
	rule: string;
	/** The migration file the finding is about (null when it is about the set of files). */
	migration: string | null;
	statement: Statement | null;
	/** What changed, in one sentence. */
	message: string;
	/** What in `<ref>`'s code this breaks. */
	breaks: string;
	/** How to do it safely: expand, move the code, contract later. */
	safeWay: string;
	/** Set when the migration carries a reviewed allow annotation for this rule. */
	allowed?: { reason: string; line: number };
}

/**
 * `not-applicable`: nothing to judge by design (no new migrations, no db tests);
 * `could-not-run`: it should have judged and could not, which is a finding.
 */
export type LayerStatus = "passed" | "blocked" | "skipped" | "not-applicable" | "could-not-run";

export interface LayerReport {
	layer: Layer;
	name: string;
	status: LayerStatus;
	/** Whether the layer reached its own verdict on the new migrations. */
	judged: boolean;
	/** Why the layer was skipped or not applicable, or what it ran. */
	notes: string[];
	ms: number;
}

export interface GateReport {
	against: { ref: string; commit: string };
	/** Migration files the work tree has and the ref lacks, in apply order. */
	newMigrations: string[];
	findings: Finding[];
	layers: LayerReport[];
	/** True when no finding blocks: none that breaks the old code is left unallowed (nor a deploy risk, with --strict). */
	safe: boolean;
	/** Whether deploy risks block (--strict). */
	strict: boolean;
	/**
	 * True when the verdict rests on every layer: each one judged (or there was
	 * nothing new to judge). False when a layer was skipped, had nothing to judge
	 * by design, or could not run and a reviewed exception let that pass.
	 */
	verified: boolean;
	ms: number;
}
