/**
 * The code, highlighted, as it streams in: the model's plan first (prose),
 * then the HTML. Lines are memoised, so each frame re-renders only the lines
 * that changed (in practice the last few). Follows the end of the text while
 * it grows unless the reader has scrolled up.
 */
import { memo, useEffect, useMemo, useRef } from "react";
import { highlightLines, type Token } from "../lib/highlight";
import { splitStream } from "../lib/stream-text";
import { CopyButton } from "./CopyButton";

export function CodeView({
	text,
	streaming,
	label,
	raw = false,
}: {
	/** The model's text while streaming, or a stored version's code. */
	text: string;
	streaming: boolean;
	/** What this is, e.g. "index.html · v2". */
	label: string;
	/** True for stored code (no plan or fences to strip). */
	raw?: boolean;
}) {
	const parts = useMemo(() => (raw ? { plan: "", code: text, codeComplete: true } : splitStream(text)), [text, raw]);
	const lines = useMemo(() => highlightLines(parts.code), [parts.code]);
	const scroller = useRef<HTMLElement>(null);
	const following = useRef(true);
	useEffect(() => {
		const el = scroller.current;
		if (el && streaming && following.current) el.scrollTop = el.scrollHeight;
	});
	useEffect(() => {
		if (streaming) following.current = true;
	}, [streaming]);
	const lineCount = parts.code ? lines.length : 0;
	return (
		<div className="code-view" data-streaming={streaming || undefined}>
			<div className="panel-toolbar">
				<span className="code-file">{label}</span>
				<span className="code-meta" aria-live="off">
					{lineCount ? `${lineCount.toLocaleString("en")} lines` : ""}
				</span>
				<CopyButton
					text={parts.code}
					label="Copy code"
					toast="Code copied"
					disabled={!parts.code || (streaming && !parts.codeComplete)}
				/>
			</div>
			<section
				className="code-scroll"
				ref={scroller}
				// A scrollable region must be reachable by keyboard.
				// biome-ignore lint/a11y/noNoninteractiveTabindex: scroll container
				tabIndex={0}
				aria-label={`Code: ${label}`}
				aria-busy={streaming}
				onScroll={(e) => {
					const el = e.currentTarget;
					following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
				}}
			>
				{parts.plan && (
					<section className="code-plan" aria-label="The model's plan">
						<h3>Plan</h3>
						<p>{parts.plan}</p>
					</section>
				)}
				{parts.code ? (
					<pre className="code">
						<code>
							{lines.map((line, i) => (
								<Line
									// biome-ignore lint/suspicious/noArrayIndexKey: a line is its position
									key={i}
									n={i + 1}
									tokens={line}
									sig={signature(line)}
									caret={streaming && i === lines.length - 1}
								/>
							))}
						</code>
					</pre>
				) : streaming ? (
					<p className="code-waiting">
						<span className="dots" aria-hidden="true" />
						{parts.plan ? "Planning…" : "Waiting for the first token…"}
					</p>
				) : (
					<p className="code-waiting">No code yet.</p>
				)}
			</section>
		</div>
	);
}

function signature(tokens: Token[]): string {
	let s = "";
	for (const t of tokens) s += `${t.kind}\u0001${t.text}\u0002`;
	return s;
}

const Line = memo(
	function Line({ n, tokens, caret }: { n: number; tokens: Token[]; sig: string; caret: boolean }) {
		return (
			<span className="line" data-n={n}>
				{tokens.map((t, i) =>
					t.kind === "plain" ? (
						t.text
					) : (
						// biome-ignore lint/suspicious/noArrayIndexKey: tokens have no identity
						<span key={i} className={`tk-${t.kind}`}>
							{t.text}
						</span>
					),
				)}
				{caret && <span className="caret" aria-hidden="true" />}
				{"\n"}
			</span>
		);
	},
	(a, b) => a.n === b.n && a.sig === b.sig && a.caret === b.caret,
);
