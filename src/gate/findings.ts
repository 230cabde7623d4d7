import { type RuleId, rules, severityOf } from "./rules";
import type { Finding, Statement } from "./types";

/** Builds a finding with the rule's layer and safe way filled in. */
export function finding(
	rule: RuleId,
	migration: string | null,
	statement: Statement | null,
	message: string,
	breaks: string,
): Finding {
	const r = rules[rule];
	return {
		layer: r.layer,
		severity: severityOf(rule),
		rule,
		migration,
		statement,
		message,
		breaks,
		safeWay: r.safeWay,
	};
}
