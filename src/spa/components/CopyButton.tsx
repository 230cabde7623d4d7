import { useEffect, useRef, useState } from "react";
import { CheckIcon, CopyIcon } from "./icons";
import { useToast } from "./Toast";

/** Copies text with one click (Clipboard API, with a fallback for browsers that refuse it). */
export async function copyText(text: string): Promise<boolean> {
	try {
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		const area = document.createElement("textarea");
		area.value = text;
		area.setAttribute("readonly", "");
		area.style.position = "fixed";
		area.style.opacity = "0";
		document.body.appendChild(area);
		area.select();
		const ok = document.execCommand("copy");
		area.remove();
		return ok;
	}
}

export function CopyButton({
	text,
	label,
	done = "Copied",
	toast,
	className = "btn btn-quiet",
	disabled,
}: {
	text: string;
	/** Accessible name, e.g. "Copy code". */
	label: string;
	done?: string;
	/** Announced after copying, e.g. "Link copied". */
	toast?: string;
	className?: string;
	disabled?: boolean;
}) {
	const [copied, setCopied] = useState(false);
	const showToast = useToast();
	const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
	useEffect(() => () => clearTimeout(timer.current), []);
	return (
		<button
			type="button"
			className={className}
			aria-label={label}
			disabled={disabled}
			onClick={async () => {
				const ok = await copyText(text);
				showToast(ok ? (toast ?? "Copied to the clipboard") : "Could not copy: select the text and copy it yourself");
				if (!ok) return;
				setCopied(true);
				clearTimeout(timer.current);
				timer.current = setTimeout(() => setCopied(false), 1600);
			}}
		>
			{copied ? <CheckIcon /> : <CopyIcon />}
			<span>{copied ? done : "Copy"}</span>
		</button>
	);
}
