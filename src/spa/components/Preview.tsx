/**
 * The live preview: the version on screen, loaded from the project's own
 * origin in a sandboxed iframe. `allow-same-origin` is safe only because that
 * origin is the app's alone (it gives the app its own localStorage, never
 * Kiln's); where the server cannot give a project its own origin it adds a
 * CSP sandbox of its own, which the browser combines with this one.
 */
import { useState } from "react";
import { AlertIcon, ExternalIcon, ReloadIcon, ShareIcon } from "./icons";
import { SettingNames } from "./Notice";

export const PREVIEW_SANDBOX = "allow-scripts allow-same-origin allow-forms allow-modals allow-popups";

export function Preview({
	src,
	title,
	overlay,
	onShare,
	placeholder,
	serverNotice,
}: {
	/** The version's URL; null while there is no version to show yet. */
	src: string | null;
	title: string;
	/** Shown over the current preview, e.g. "Writing v3…". */
	overlay?: string | null;
	onShare?: () => void;
	placeholder?: string;
	/**
	 * Why this version's server cannot run here (the API's own words), shown
	 * above the app: its page loads, but its `api/` calls answer 501.
	 */
	serverNotice?: string | null;
}) {
	const [reloads, setReloads] = useState(0);
	return (
		<section className="preview" aria-label="Preview">
			<div className="panel-toolbar preview-toolbar">
				<span className="preview-address" title={src ?? undefined}>
					{src ? displayUrl(src) : "Preview"}
				</span>
				<button
					type="button"
					className="btn btn-icon btn-quiet"
					aria-label="Reload preview"
					title="Reload preview"
					disabled={!src}
					onClick={() => setReloads((n) => n + 1)}
				>
					<ReloadIcon />
				</button>
				{src ? (
					<a
						className="btn btn-icon btn-quiet"
						href={src}
						target="_blank"
						rel="noopener noreferrer"
						aria-label="Open the app in a new tab"
						title="Open in a new tab"
					>
						<ExternalIcon />
					</a>
				) : (
					<span className="btn btn-icon btn-quiet" aria-hidden="true" data-disabled="">
						<ExternalIcon />
					</span>
				)}
				{onShare && (
					<button type="button" className="btn btn-secondary btn-small" onClick={onShare} disabled={!src}>
						<ShareIcon />
						<span>Share</span>
					</button>
				)}
			</div>
			{serverNotice && src && (
				<div className="notice notice-warn preview-notice" role="status" data-kind="servers-unavailable">
					<AlertIcon />
					<div className="notice-text">
						<h2 className="notice-title">This app's server cannot run here</h2>
						<p className="notice-body">
							<SettingNames text={serverNotice} />
						</p>
					</div>
				</div>
			)}
			<div className="preview-frame">
				{src ? (
					<iframe
						key={`${src}#${reloads}`}
						src={src}
						title={title}
						sandbox={PREVIEW_SANDBOX}
						allow="clipboard-write; fullscreen"
						referrerPolicy="no-referrer"
						loading="eager"
					/>
				) : (
					<div className="preview-empty">
						<div className="kiln-glow" aria-hidden="true" />
						<p>{placeholder ?? "The preview appears here when the app is finished."}</p>
					</div>
				)}
				{overlay && src && (
					<div className="preview-overlay" role="status">
						<span className="dots" aria-hidden="true" />
						{overlay}
					</div>
				)}
			</div>
		</section>
	);
}

function displayUrl(url: string): string {
	try {
		const u = new URL(url, location.href);
		return `${u.host}${u.pathname === "/" ? "" : u.pathname}`;
	} catch {
		return url;
	}
}
