/** Inline SVG icons (24×24 grid, stroke = currentColor); decorative unless labelled by their button. */
import type { ReactNode } from "react";

function Icon({ children, size = 18 }: { children: ReactNode; size?: number }) {
	return (
		<svg
			className="icon"
			width={size}
			height={size}
			viewBox="0 0 24 24"
			fill="none"
			stroke="currentColor"
			strokeWidth="2"
			strokeLinecap="round"
			strokeLinejoin="round"
			aria-hidden="true"
			focusable="false"
		>
			{children}
		</svg>
	);
}

export const CopyIcon = () => (
	<Icon>
		<rect x="9" y="9" width="12" height="12" rx="2" />
		<path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
	</Icon>
);
export const CheckIcon = () => (
	<Icon>
		<path d="M20 6 9 17l-5-5" />
	</Icon>
);
export const ReloadIcon = () => (
	<Icon>
		<path d="M21 12a9 9 0 1 1-2.64-6.36" />
		<path d="M21 3v6h-6" />
	</Icon>
);
export const ExternalIcon = () => (
	<Icon>
		<path d="M14 4h6v6" />
		<path d="M20 4 10 14" />
		<path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
	</Icon>
);
export const ShareIcon = () => (
	<Icon>
		<circle cx="18" cy="5" r="3" />
		<circle cx="6" cy="12" r="3" />
		<circle cx="18" cy="19" r="3" />
		<path d="m8.6 13.5 6.8 4M15.4 6.5l-6.8 4" />
	</Icon>
);
export const RemixIcon = () => (
	<Icon>
		<circle cx="6" cy="5" r="2.5" />
		<circle cx="18" cy="5" r="2.5" />
		<circle cx="12" cy="19" r="2.5" />
		<path d="M6 7.5v1.5a3 3 0 0 0 3 3h6a3 3 0 0 0 3-3V7.5M12 12v4.5" />
	</Icon>
);
export const SendIcon = () => (
	<Icon>
		<path d="M12 19V5" />
		<path d="m5 12 7-7 7 7" />
	</Icon>
);
export const StopIcon = () => (
	<Icon>
		<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor" />
	</Icon>
);
export const PlusIcon = () => (
	<Icon>
		<path d="M12 5v14M5 12h14" />
	</Icon>
);
export const CloseIcon = () => (
	<Icon>
		<path d="M18 6 6 18M6 6l12 12" />
	</Icon>
);
export const AlertIcon = () => (
	<Icon>
		<path d="M12 3 2 20h20L12 3z" />
		<path d="M12 10v4M12 17h.01" />
	</Icon>
);
export const ClockIcon = () => (
	<Icon>
		<circle cx="12" cy="12" r="9" />
		<path d="M12 7v5l3 2" />
	</Icon>
);
export const SparkIcon = () => (
	<Icon>
		<path d="M12 3v4M12 17v4M3 12h4M17 12h4M5.6 5.6l2.8 2.8M15.6 15.6l2.8 2.8M5.6 18.4l2.8-2.8M15.6 8.4l2.8-2.8" />
	</Icon>
);

export function Logo({ size = 28 }: { size?: number }) {
	return (
		<svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false" className="logo-mark">
			<rect width="64" height="64" rx="14" fill="var(--ember-600)" />
			<path d="M13 55V33a19 19 0 0 1 38 0v22z" fill="#2b1710" />
			<path
				d="M32 51c-6.4 0-10-4.2-10-9.3 0-5.6 4.6-8.4 5.6-13.7 3.2 2.1 4.6 5 4.4 8 1.8-1.2 3-3.4 3-5.8 4.6 3.3 7 7.4 7 11.5 0 5.1-3.6 9.3-10 9.3z"
				fill="#ffc46b"
			/>
		</svg>
	);
}
