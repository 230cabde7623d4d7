/**
 * The code, highlighted, as it streams in: the model's plan first (prose),
 * then the app's files (the page, and the server module when the app has
 * one), one at a time behind file tabs. What is split out of the stream comes
 * from src/shared/answer.ts, the reader the server stores versions with, so
 * what is shown is what will be stored. Lines are memoised, so each frame
 * re-renders only the lines that changed (in practice the last few). Follows
 * the end of the text while it grows unless the reader has scrolled up.
 */
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { type AppFile, PAGE_FILE, type StreamView } from "../../shared/answer";
import { highlightLines, type Token } from "../lib/highlight";
import { CopyButton } from "./CopyButton";

export function CodeView({
	view,
	streaming,
	label,
}: {
	/** The model's answer so far (`readStream`), or a stored version's files. */
	view: StreamView;
	streaming: boolean;
	/** Which version this is, e.g. "v2" or "writing v3". */
	label: string;
}) {
	const [picked, setPicked] = useState<AppFile | null>(null);
	// While streaming, follow the file being written; a click picks one to stay on.
	useEffect(() => {
		if (streaming) setPicked(null);
	}, [streaming]);
	const shownName = picked ?? view.writing ?? PAGE_FILE;
	const file = view.files.find((f) => f.name === shownName) ?? view.files[0] ?? null;
	const code = file?.code ?? "";
	const lines = useMemo(() => highlightLines(code), [code]);
	const scroller = useRef<HTMLElement>(null);
	const following = useRef(true);
	useEffect(() => {
		const el = scroller.current;
		if (el && streaming && following.current) el.scrollTop = el.scrollHeight;
	});
	useEffect(() => {
		if (streaming) following.current = true;
	}, [streaming]);
	const lineCount = code ? lines.length : 0;
	const fileLabel = `${file?.name ?? PAGE_FILE} · ${label}`;
	return (
		<div className="code-view" data-streaming={streaming || undefined}>
			<div className="panel-toolbar">
				{view.files.length > 1 ? (
					<div className="code-files">
						{view.files.map((f) => (
							<button
								key={f.name}
								type="button"
								className="code-file code-file-tab"
								aria-pressed={f.name === file?.name}
								onClick={() => setPicked(f.name)}
							>
								{f.name}
							</button>
						))}
						<span className="code-file-version">{label}</span>
					</div>
				) : (
					<span className="code-file">{fileLabel}</span>
				)}
				<span className="code-meta" aria-live="off">
					{lineCount ? `${lineCount.toLocaleString("en")} lines` : ""}
				</span>
				<CopyButton
					text={code}
					label="Copy code"
					toast="Code copied"
					disabled={!code || (streaming && !file?.complete)}
				/>
			</div>
			<section
				className="code-scroll"
				ref={scroller}
				// A scrollable region must be reachable by keyboard.
				// biome-ignore lint/a11y/noNoninteractiveTabindex: scroll container
				tabIndex={0}
				aria-label={`Code: ${fileLabel}`}
				aria-busy={streaming}
				onScroll={(e) => {
					const el = e.currentTarget;
					following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
				}}
			>
				{view.plan && (
					<section className="code-plan" aria-label="The model's plan">
						<h3>Plan</h3>
						<p>{view.plan}</p>
					</section>
				)}
				{code ? (
					<pre className="code">
						<code>
							{lines.map((line, i) => (
								<Line
									// biome-ignore lint/suspicious/noArrayIndexKey: a line is its position
									key={i}
									n={i + 1}
									tokens={line}
									sig={signature(line)}
									caret={streaming && view.writing === file?.name && i === lines.length - 1}
								/>
							))}
						</code>
					</pre>
				) : streaming ? (
					<p className="code-waiting">
						<span className="dots" aria-hidden="true" />
						{view.plan ? "Planning…" : "Waiting for the first token…"}
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
