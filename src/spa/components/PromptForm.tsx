/**
 * The prompt box: a textarea that grows with its text. Enter sends,
 * Shift+Enter starts a new line; while a generation runs the button stops it.
 */
import {
	type FormEvent,
	type KeyboardEvent,
	type Ref,
	useEffect,
	useId,
	useImperativeHandle,
	useRef,
	useState,
} from "react";
import { MAX_PROMPT_CHARS } from "../../shared/limits";
import { SendIcon, StopIcon } from "./icons";

export interface PromptFormHandle {
	focus: () => void;
	setValue: (value: string) => void;
}

export function PromptForm({
	label,
	placeholder,
	submitLabel,
	busy,
	disabledReason,
	onSubmit,
	onStop,
	size = "large",
	ref,
	hint,
	autoFocus,
	clearKey,
}: {
	label: string;
	placeholder: string;
	submitLabel: string;
	busy: boolean;
	/** When set, sending is disabled and this says why (e.g. rate-limited). */
	disabledReason?: string | null;
	onSubmit: (prompt: string) => void;
	onStop?: () => void;
	size?: "large" | "compact";
	ref?: Ref<PromptFormHandle>;
	hint?: string;
	autoFocus?: boolean;
	/** When this changes (e.g. a new version was stored), the box empties: the prompt was used. */
	clearKey?: string | number | null;
}) {
	const [value, setValue] = useState("");
	const area = useRef<HTMLTextAreaElement>(null);
	const id = useId();
	const lastClearKey = useRef(clearKey);
	useEffect(() => {
		if (clearKey === lastClearKey.current) return;
		lastClearKey.current = clearKey;
		if (clearKey != null) setValue("");
	}, [clearKey]);
	useImperativeHandle(ref, () => ({
		focus: () => area.current?.focus(),
		setValue: (v: string) => {
			setValue(v);
			requestAnimationFrame(() => area.current?.focus());
		},
	}));
	// Grow with the text, up to a limit (CSS caps the height).
	// biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
	useEffect(() => {
		const el = area.current;
		if (!el) return;
		el.style.height = "auto";
		el.style.height = `${el.scrollHeight}px`;
	}, [value]);
	const tooLong = value.length > MAX_PROMPT_CHARS;
	const canSend = !busy && !disabledReason && value.trim().length > 0 && !tooLong;
	const submit = (e?: FormEvent) => {
		e?.preventDefault();
		if (!canSend) return;
		onSubmit(value.trim());
	};
	const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
		if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
			e.preventDefault();
			submit();
		}
	};
	return (
		<form className={`prompt-form prompt-${size}`} onSubmit={submit} aria-busy={busy}>
			<label htmlFor={id} className={size === "large" ? "visually-hidden" : "prompt-label"}>
				{label}
			</label>
			<div className="prompt-box">
				<textarea
					id={id}
					ref={area}
					name="prompt"
					rows={size === "large" ? 3 : 1}
					value={value}
					placeholder={placeholder}
					onChange={(e) => setValue(e.target.value)}
					onKeyDown={onKeyDown}
					aria-describedby={`${id}-hint`}
					aria-invalid={tooLong || undefined}
					// biome-ignore lint/a11y/noAutofocus: the prompt is the page's one job
					autoFocus={autoFocus}
					spellCheck
				/>
				{busy && onStop ? (
					<button type="button" className="btn btn-send btn-stop" onClick={onStop}>
						<StopIcon />
						<span>Stop</span>
					</button>
				) : (
					<button type="submit" className="btn btn-send" disabled={!canSend}>
						<SendIcon />
						<span>{submitLabel}</span>
					</button>
				)}
			</div>
			<p className="prompt-hint" id={`${id}-hint`}>
				{tooLong ? (
					<span className="text-danger">
						{value.length.toLocaleString("en")} of {MAX_PROMPT_CHARS.toLocaleString("en")} characters: shorten the
						prompt.
					</span>
				) : disabledReason ? (
					<span>{disabledReason}</span>
				) : (
					<span>
						{hint ? `${hint} · ` : ""}
						<kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
					</span>
				)}
			</p>
		</form>
	);
}
