/** "Your apps": what this browser made or remixed (it holds their edit tokens), newest first. */
import { useState } from "react";
import { recentApps } from "../lib/edit-tokens";
import { formatAgo } from "../lib/format";
import { projectPath } from "../lib/router";
import { Link } from "./Link";

export function RecentApps() {
	const [apps] = useState(recentApps);
	if (apps.length === 0) return null;
	return (
		<section className="recent" aria-labelledby="recent-heading">
			<h2 id="recent-heading" className="starters-heading">
				Your apps <span className="starters-note">kept in this browser, with their edit tokens</span>
			</h2>
			<ul className="recent-list">
				{apps.map((a) => (
					<li key={a.project}>
						<Link to={projectPath(a.project)} className="recent-link">
							<span className="recent-title">{a.title || a.project}</span>
							<span className="recent-meta">
								<span className="mono">{a.project}</span> · {formatAgo(a.at)}
							</span>
						</Link>
					</li>
				))}
			</ul>
		</section>
	);
}
