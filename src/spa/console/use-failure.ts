import { useCallback, useState } from "react";
import type { ApiError } from "../lib/api";

/** A panel's last error in the API's words; a 401 (the credential stopped working) signs out instead. */
export function useFailure(onUnauthorized: () => void) {
	const [error, setError] = useState<string | null>(null);
	const fail = useCallback(
		(err: unknown) => {
			const e = err as ApiError;
			if (e.code === "aborted") return;
			if (e.status === 401) onUnauthorized();
			else setError(e.message);
		},
		[onUnauthorized],
	);
	const clear = useCallback(() => setError(null), []);
	return { error, fail, clear };
}
