/** A project that could not be shown: unknown, a version it lacks, or a failed lookup. */
import type { ApiError } from "../lib/api";
import { projectPath } from "../lib/router";
import { Header } from "./Header";
import { Link } from "./Link";

export function ProjectError({
	project,
	error,
	latest,
	disabledReason,
}: {
	project: string;
	error: ApiError;
	latest?: number | null;
	/** The operator's reason, when the app was taken down (`app_disabled`). */
	disabledReason?: string | null;
}) {
	const noVersion = error.code === "version_not_found";
	const disabled = error.code === "app_disabled";
	return (
		<>
			<Header showNew />
			<main className="empty-page" id="main" data-kind={disabled ? "app-disabled" : undefined}>
				<h1>
					{disabled
						? "This app is disabled"
						: noVersion
							? "No such version"
							: error.status === 404
								? "No such app"
								: "Could not load this app"}
				</h1>
				<p>
					{noVersion
						? error.message
						: error.status === 404
							? `There is no project "${project}". It may have been mistyped.`
							: error.message}
					{disabled && ` Its pages, server and data answer 410 Gone; nothing of it was deleted.`}
					{disabled && disabledReason ? ` Reason: ${disabledReason}` : ""}
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
