/**
 * Accessible tabs (WAI-ARIA tabs pattern): arrow keys, Home and End move
 * between tabs; only the selected tab is in the Tab order.
 */
import { type KeyboardEvent, type ReactNode, useRef } from "react";

export interface TabDef<T extends string> {
	id: T;
	label: ReactNode;
}

export function TabList<T extends string>({
	tabs,
	selected,
	onSelect,
	label,
	idPrefix,
	children,
}: {
	tabs: TabDef<T>[];
	selected: T;
	onSelect: (id: T) => void;
	label: string;
	idPrefix: string;
	children?: ReactNode;
}) {
	const refs = useRef(new Map<T, HTMLButtonElement>());
	const onKeyDown = (e: KeyboardEvent) => {
		const i = tabs.findIndex((t) => t.id === selected);
		let next = -1;
		if (e.key === "ArrowRight") next = (i + 1) % tabs.length;
		else if (e.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
		else if (e.key === "Home") next = 0;
		else if (e.key === "End") next = tabs.length - 1;
		if (next < 0) return;
		e.preventDefault();
		onSelect(tabs[next].id);
		refs.current.get(tabs[next].id)?.focus();
	};
	return (
		<div className="tabs-bar">
			<div role="tablist" aria-label={label} className="tabs" onKeyDown={onKeyDown}>
				{tabs.map((t) => (
					<button
						key={t.id}
						ref={(el) => {
							if (el) refs.current.set(t.id, el);
							else refs.current.delete(t.id);
						}}
						type="button"
						role="tab"
						id={`${idPrefix}-tab-${t.id}`}
						aria-selected={t.id === selected}
						aria-controls={`${idPrefix}-panel`}
						tabIndex={t.id === selected ? 0 : -1}
						className="tab"
						onClick={() => onSelect(t.id)}
					>
						{t.label}
					</button>
				))}
			</div>
			{children}
		</div>
	);
}
