/** Starter prompts: apps written by hand and stored with Kiln, answered instantly without a model. */
export interface Starter {
	title: string;
	prompt: string;
}

export function StarterChips({
	starters,
	onPick,
	disabled,
	heading = "Or start from one of these",
}: {
	starters: Starter[];
	onPick: (s: Starter) => void;
	disabled?: boolean;
	heading?: string;
}) {
	if (starters.length === 0) return null;
	return (
		<section className="starters" aria-labelledby="starters-heading">
			<h2 id="starters-heading" className="starters-heading">
				{heading}
				<span className="starters-note">instant, no model needed</span>
			</h2>
			<ul className="chips">
				{starters.map((s) => (
					<li key={s.prompt}>
						<button
							type="button"
							className="chip"
							onClick={() => onPick(s)}
							disabled={disabled}
							title={s.prompt}
							aria-label={`${s.title}: ${s.prompt}`}
						>
							{s.title}
						</button>
					</li>
				))}
			</ul>
		</section>
	);
}
