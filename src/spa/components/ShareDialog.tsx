/**
 * Share links, each copied with one click: the latest version (changes when
 * the project gets a new version) and the pinned version on screen (never
 * changes). A native <dialog>: focus moves in, Escape closes, focus returns.
 */
import { useEffect, useId, useRef } from "react";
import { CopyButton } from "./CopyButton";
import { CloseIcon } from "./icons";

export function ShareDialog({
	open,
	onClose,
	latestUrl,
	pinnedUrl,
	version,
}: {
	open: boolean;
	onClose: () => void;
	latestUrl: string;
	pinnedUrl: string;
	version: number;
}) {
	const ref = useRef<HTMLDialogElement>(null);
	const titleId = useId();
	useEffect(() => {
		const d = ref.current;
		if (!d) return;
		if (open && !d.open) d.showModal();
		if (!open && d.open) d.close();
	}, [open]);
	return (
		// biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop click has a keyboard twin, Escape (native to <dialog>)
		<dialog
			ref={ref}
			className="dialog"
			aria-labelledby={titleId}
			onClose={onClose}
			onClick={(e) => {
				// A click on the backdrop (the dialog element itself) closes it.
				if (e.target === e.currentTarget) onClose();
			}}
		>
			<div className="dialog-body">
				<header className="dialog-header">
					<h2 id={titleId}>Share this app</h2>
					<button type="button" className="btn btn-icon btn-quiet" aria-label="Close" onClick={onClose}>
						<CloseIcon />
					</button>
				</header>
				<ShareLink
					label="Latest version"
					hint="Always opens the newest version, including future edits."
					url={latestUrl}
				/>
				<ShareLink label={`Pinned: version ${version}`} hint="Opens exactly this version, forever." url={pinnedUrl} />
			</div>
		</dialog>
	);
}

function ShareLink({ label, hint, url }: { label: string; hint: string; url: string }) {
	const id = useId();
	return (
		<div className="share-link">
			<label htmlFor={id} className="share-label">
				{label}
			</label>
			<div className="share-row">
				<input
					id={id}
					className="share-url"
					readOnly
					value={url}
					onFocus={(e) => e.currentTarget.select()}
					aria-describedby={`${id}-hint`}
				/>
				<CopyButton text={url} label={`Copy link: ${label}`} toast="Link copied" className="btn btn-secondary" />
			</div>
			<p className="share-hint" id={`${id}-hint`}>
				{hint}{" "}
				<a href={url} target="_blank" rel="noopener noreferrer">
					Open
				</a>
			</p>
		</div>
	);
}
