/**
 * A project's versions, newest first. Each shows its prompt, the version it
 * was edited from, when, and how fast it was written. Selecting one shows it
 * (and makes it what the next follow-up edits: a branch when it is not the
 * latest).
 */
import type { VersionSummary } from "../lib/api";
import { formatAgo, formatInt, formatSeconds } from "../lib/format";
import { projectPath } from "../lib/router";
import { Link } from "./Link";

export function VersionList({
	project,
	versions,
	current,
	onCompare,
}: {
	project: string;
	versions: VersionSummary[];
	current: number;
	onCompare: (from: number, to: number) => void;
}) {
	const latest = versions.at(-1)?.number ?? 0;
	const newestFirst = [...versions].reverse();
	return (
		<nav className="versions" aria-label="Versions">
			<ol className="version-list" reversed>
				{newestFirst.map((v) => {
					const isCurrent = v.number === current;
					return (
						<li key={v.number} className="version" data-current={isCurrent || undefined} data-version={v.number}>
							<Link
								to={projectPath(project, v.number)}
								className="version-link"
								aria-current={isCurrent ? "page" : undefined}
							>
								<span className="version-head">
									<span className="version-number">v{v.number}</span>
									{v.number === latest && <span className="badge">latest</span>}
									{v.parentNumber !== null && v.parentNumber !== v.number - 1 && (
										<span className="badge badge-branch">branched from v{v.parentNumber}</span>
									)}
									<time className="version-time" dateTime={new Date(v.createdAt).toISOString()}>
										{formatAgo(v.createdAt)}
									</time>
								</span>
								<span className="version-prompt">{v.prompt}</span>
								{v.stats && (
									<span className="version-stats">
										{formatInt(v.stats.outputTokens)} tokens · {formatSeconds(v.stats.durationMs)} s ·{" "}
										{formatInt(v.stats.tokensPerSecond)} tokens/s
									</span>
								)}
							</Link>
							{v.parentNumber !== null && (
								<button
									type="button"
									className="btn btn-quiet btn-small version-diff"
									onClick={() => onCompare(v.parentNumber as number, v.number)}
									aria-label={`Changes in v${v.number} from v${v.parentNumber}`}
								>
									Changes
								</button>
							)}
						</li>
					);
				})}
			</ol>
		</nav>
	);
}
