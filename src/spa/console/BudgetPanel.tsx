/**
 * Budget: the rate limiter's use now against Notion's three requests a second
 * (units held by requests in flight, units cooling down for a second after
 * their answer, requests waiting), and a Retry-After pause in force.
 */
import { useState } from "react";
import type { BudgetJson } from "../../shared/notion-console";
import type { ConsoleApi } from "./api";
import { useFailure } from "./use-failure";
import { usePoll } from "./use-poll";

export function BudgetPanel({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
	const [budget, setBudget] = useState<BudgetJson["budget"] | null>(null);
	const { error, fail, clear } = useFailure(onUnauthorized);
	usePoll(
		(signal) =>
			api.budget(signal).then((b) => {
				setBudget(b.budget);
				clear();
			}, fail),
		1000,
		[api],
	);
	if (error) return <p className="console-error">{error}</p>;
	if (!budget) return <p className="console-muted">Loading…</p>;
	const used = budget.inFlight + budget.coolingDown;
	return (
		<section className="console-card console-budget" aria-labelledby="budget-title" data-testid="budget">
			<h2 id="budget-title">Notion request budget</h2>
			<p>
				Notion allows an integration about {budget.limit} requests a second. Every request holds one of {budget.limit}{" "}
				units while it runs and for {budget.windowMs / 1000} s after its answer, across every isolate.
			</p>
			<meter min={0} max={budget.limit} value={used} aria-label="Units in use">
				{used} of {budget.limit}
			</meter>
			<dl className="console-facts">
				<dt>In use</dt>
				<dd data-testid="budget-used">
					{used} of {budget.limit}
				</dd>
				<dt>In flight</dt>
				<dd>{budget.inFlight}</dd>
				<dt>Cooling down</dt>
				<dd>{budget.coolingDown}</dd>
				<dt>Sent in the last second</dt>
				<dd>{budget.sentLastSecond}</dd>
				<dt>Waiting for a unit</dt>
				<dd>{budget.waiting}</dd>
			</dl>
			{budget.pausedForMs > 0 ? (
				<p className="console-warn" role="status" data-testid="budget-pause">
					Paused by Notion's Retry-After: nothing is sent for {Math.ceil(budget.pausedForMs / 1000)} s more (until{" "}
					{new Date(budget.pausedUntil as string).toLocaleTimeString()}).
				</p>
			) : (
				<p className="console-muted" data-testid="budget-pause">
					No Retry-After pause in force.
				</p>
			)}
		</section>
	);
}
