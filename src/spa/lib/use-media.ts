import { useSyncExternalStore } from "react";

/** Whether a media query matches, kept up to date. */
export function useMedia(query: string): boolean {
	return useSyncExternalStore(
		(cb) => {
			const m = matchMedia(query);
			m.addEventListener("change", cb);
			return () => m.removeEventListener("change", cb);
		},
		() => matchMedia(query).matches,
	);
}
