/**
 * The code, highlighted, as it streams in: the model's plan first (prose),
 * then the app's files (the page, and the server module when the app has
 * one), one at a time behind file tabs. What is split out of the stream comes
 * from src/shared/answer.ts, the reader the server stores versions with, so
 * what is shown is what will be stored. Lines are memoised, so each frame
 * re-renders only the lines that changed (in practice the last few). Follows
 * the end of the text while it grows (or, while a follow-up's edit streams,
 * the line being edited) unless the reader has scrolled up. A follow-up's
 * changed lines are marked.
 */
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { type AppFile, PAGE_FILE, type StreamView } from "../../shared/answer";
import { highlightLines, type Token } from "../lib/highlight";
import { CopyButton } from "./CopyButton";

export function CodeView({
	view,
	streaming,
	label,
	note = null,
}: {
	/** The model's answer so far (`readStream`), or a stored version's files. */
	view: StreamView;
	streaming: boolean;
	/** Which version this is, e.g. "v2" or "writing v3". */
	label: string;
	/** A line over the code, e.g. why the model is writing the full file after all. */
	note?: string | null;
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
	const changed = useMemo(() => {
		const set = new Set<number>();
		for (const r of file?.changed ?? []) for (let i = r.from; i < r.to; i++) set.add(i);
		return set;
	}, [file?.changed]);
	const cursor = file?.cursor ?? null;
	const scroller = useRef<HTMLElement>(null);
	const following = useRef(true);
	useEffect(() => {
		const el = scroller.current;
		if (!el || !streaming || !following.current) return;
		// An edit streaming in the middle of the file: keep its line in view, not the end.
		const at = cursor === null ? null : el.querySelector<HTMLElement>(`.line[data-n="${cursor + 1}"]`);
		if (at) el.scrollTop += at.getBoundingClientRect().top - el.getBoundingClientRect().top - el.clientHeight / 3;
		else el.scrollTop = el.scrollHeight;
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
			{note && (
				// Outside the scrolled code, so it stays in view while the full file streams.
				<p className="code-note" role="status">
					{note}
				</p>
			)}
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
									changed={changed.has(i)}
									caret={
										streaming &&
										view.writing === file?.name &&
										(cursor === null ? i === lines.length - 1 : i === cursor)
									}
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
	function Line({
		n,
		tokens,
		caret,
		changed,
	}: {
		n: number;
		tokens: Token[];
		sig: string;
		caret: boolean;
		changed: boolean;
	}) {
		return (
			<span className="line" data-n={n} data-changed={changed || undefined}>
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
	(a, b) => a.n === b.n && a.sig === b.sig && a.caret === b.caret && a.changed === b.changed,
);
