/** A project that could not be shown: unknown, a version it lacks, or a failed lookup. */
import type { ApiError } from "../lib/api";
import { projectPath } from "../lib/router";
import { Header } from "./Header";
import { Link } from "./Link";

export function ProjectError({ project, error, latest }: { project: string; error: ApiError; latest?: number | null }) {
	const noVersion = error.code === "version_not_found";
	return (
		<>
			<Header showNew />
			<main className="empty-page" id="main">
				<h1>{noVersion ? "No such version" : error.status === 404 ? "No such app" : "Could not load this app"}</h1>
				<p>
					{noVersion
						? error.message
						: error.status === 404
							? `There is no project "${project}". It may have been mistyped.`
							: error.message}
				</p>
				{noVersion && latest ? (
					<Link to={projectPath(project)} className="btn btn-primary">
						Open the latest version (v{latest})
					</Link>
				) : (
					<Link to="/" className="btn btn-primary">
						Make a new app
					</Link>
				)}
			</main>
		</>
	);
}
