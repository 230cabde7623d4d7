/**
 * One polite live region for short confirmations ("Link copied"): screen
 * readers announce it, and it fades out on its own.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";

const ToastContext = createContext<(message: string) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
	const [toast, setToast] = useState<{ id: number; message: string } | null>(null);
	const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
	const show = useCallback((message: string) => {
		clearTimeout(timer.current);
		setToast({ id: Date.now(), message });
		timer.current = setTimeout(() => setToast(null), 2600);
	}, []);
	useEffect(() => () => clearTimeout(timer.current), []);
	return (
		<ToastContext.Provider value={show}>
			{children}
			<div className="toast-region" role="status" aria-live="polite">
				{toast && (
					<div className="toast" key={toast.id}>
						{toast.message}
					</div>
				)}
			</div>
		</ToastContext.Provider>
	);
}

export const useToast = () => useContext(ToastContext);
