/** Line-by-line changes between two versions of a project, like `diff -u`. */
import { useEffect, useId, useMemo, useState } from "react";
import type { Version, VersionSummary } from "../lib/api";
import { diffLines } from "../lib/diff";

export function DiffView({
	versions,
	from,
	to,
	onChange,
	loadVersion,
}: {
	versions: VersionSummary[];
	from: number;
	to: number;
	onChange: (from: number, to: number) => void;
	loadVersion: (n: number) => Promise<Version>;
}) {
	const [codes, setCodes] = useState<{ from: string; to: string; key: string } | null>(null);
	const [error, setError] = useState<string | null>(null);
	const key = `${from}:${to}`;
	const fromId = useId();
	const toId = useId();
	useEffect(() => {
		let live = true;
		setError(null);
		Promise.all([loadVersion(from), loadVersion(to)]).then(
			([a, b]) => live && setCodes({ from: a.code, to: b.code, key }),
			(err: Error) => live && setError(err.message),
		);
		return () => {
			live = false;
		};
	}, [from, to, key, loadVersion]);
	const diff = useMemo(() => (codes?.key === key ? diffLines(codes.from, codes.to) : null), [codes, key]);
	return (
		<section className="diff" aria-label={`Changes from v${from} to v${to}`}>
			<div className="panel-toolbar diff-toolbar">
				<label htmlFor={fromId}>Compare</label>
				<select id={fromId} value={from} onChange={(e) => onChange(Number(e.target.value), to)}>
					{versions.map((v) => (
						<option key={v.number} value={v.number}>
							v{v.number}
						</option>
					))}
				</select>
				<label htmlFor={toId}>with</label>
				<select id={toId} value={to} onChange={(e) => onChange(from, Number(e.target.value))}>
					{versions.map((v) => (
						<option key={v.number} value={v.number}>
							v{v.number}
						</option>
					))}
				</select>
				{diff && (
					<span className="diff-summary">
						<span className="diff-added">+{diff.added}</span> <span className="diff-removed">−{diff.removed}</span>
					</span>
				)}
			</div>
			<section className="diff-scroll" aria-label="Diff" aria-busy={!diff && !error}>
				{error ? (
					<p className="code-waiting text-danger">{error}</p>
				) : !diff ? (
					<p className="code-waiting">Loading both versions…</p>
				) : diff.hunks.length === 0 ? (
					<p className="code-waiting">
						{from === to ? "Pick two different versions." : "No changes: the code is identical."}
					</p>
				) : (
					diff.hunks.map((h) => (
						<table className="diff-hunk" key={`${h.aStart}-${h.bStart}`}>
							<caption>
								@@ v{from} line {h.aStart}, v{to} line {h.bStart} @@
							</caption>
							<tbody>
								{h.lines.map((l, i) => (
									// biome-ignore lint/suspicious/noArrayIndexKey: position within the hunk
									<tr key={i} className={`diff-${l.kind}`}>
										<td className="diff-n">{l.kind !== "add" ? l.a : ""}</td>
										<td className="diff-n">{l.kind !== "del" ? l.b : ""}</td>
										<td
											className="diff-sign"
											aria-label={l.kind === "add" ? "added" : l.kind === "del" ? "removed" : undefined}
										>
											{l.kind === "add" ? "+" : l.kind === "del" ? "−" : " "}
										</td>
										<td className="diff-text">{l.text}</td>
									</tr>
								))}
							</tbody>
						</table>
					))
				)}
			</section>
		</section>
	);
}
