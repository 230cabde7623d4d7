/**
 * The owner's secrets of a project (the Secrets tab, shown only where this
 * browser holds the edit token): their names, a form to set or replace one,
 * and Delete. One sealed under another KILN_SECRETS_KEY (the operator changed
 * it) is marked, with Set again: the server runs without it until then. A value is sent once and never shown again; the app's server
 * reads it as env.NAME from its next request on.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { MAX_SECRET_BYTES, type SecretsJson, secretNameProblem, secretValueProblem } from "../../shared/secrets";
import { ApiError } from "../lib/api";
import { formatAgo } from "../lib/format";
import { deleteSecret, fetchSecrets, saveSecret } from "../lib/owner-api";
import { useToast } from "./Toast";

export function SecretsPanel({ project, editToken }: { project: string; editToken: string }) {
	const [secrets, setSecrets] = useState<SecretsJson | null>(null);
	const [loadError, setLoadError] = useState<ApiError | null>(null);
	const [name, setName] = useState("");
	const [value, setValue] = useState("");
	const [formError, setFormError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const valueInput = useRef<HTMLInputElement>(null);
	const toast = useToast();

	const load = useCallback(
		async (signal?: AbortSignal) => {
			try {
				setSecrets(await fetchSecrets(project, editToken, signal));
				setLoadError(null);
			} catch (err) {
				if (err instanceof ApiError && err.code !== "aborted") setLoadError(err);
			}
		},
		[project, editToken],
	);

	useEffect(() => {
		const abort = new AbortController();
		void load(abort.signal);
		return () => abort.abort();
	}, [load]);

	const submit = async (e: FormEvent) => {
		e.preventDefault();
		const trimmed = name.trim();
		const valueProblem = secretValueProblem(value);
		const problem =
			secretNameProblem(trimmed) ??
			(valueProblem === "empty"
				? "Enter a value."
				: valueProblem === "too_large"
					? `A value is at most ${MAX_SECRET_BYTES} bytes.`
					: null);
		if (problem) {
			setFormError(problem);
			return;
		}
		setBusy(true);
		try {
			await saveSecret(project, trimmed, value, editToken);
			setName("");
			setValue("");
			setFormError(null);
			toast(`Saved ${trimmed}: the server reads it from its next request.`);
			await load();
		} catch (err) {
			setFormError(err instanceof ApiError ? err.message : "Could not save it. Try again.");
		} finally {
			setBusy(false);
		}
	};

	/** Its name in the form, ready for the value: the server cannot read the old one. */
	const setAgain = (secret: string) => {
		setName(secret);
		setFormError(null);
		valueInput.current?.focus();
	};

	const remove = async (secret: string) => {
		setBusy(true);
		try {
			await deleteSecret(project, secret, editToken);
			toast(`Deleted ${secret}.`);
			await load();
		} catch (err) {
			toast(err instanceof ApiError ? err.message : "Could not delete it. Try again.");
		} finally {
			setBusy(false);
		}
	};

	if (loadError) {
		return (
			<div className="owner-panel">
				<div className="notice notice-warn" role="alert" data-kind="secrets-unavailable">
					<p className="notice-body">{loadError.message}</p>
				</div>
			</div>
		);
	}

	return (
		<section className="owner-panel" aria-label="Secrets">
			<p className="owner-intro">
				Keys and tokens your app's server needs. It reads each as <code>env.NAME</code>. Values are encrypted, never
				shown again, and not copied when someone remixes the app.
			</p>
			<form className="secret-form" onSubmit={submit} noValidate>
				<label className="field">
					<span>Name</span>
					<input
						name="secret-name"
						value={name}
						onChange={(e) => setName(e.target.value.toUpperCase())}
						placeholder="API_KEY"
						autoComplete="off"
						spellCheck={false}
						className="mono"
						maxLength={64}
					/>
				</label>
				<label className="field">
					<span>Value</span>
					<input
						name="secret-value"
						ref={valueInput}
						type="password"
						value={value}
						onChange={(e) => setValue(e.target.value)}
						autoComplete="new-password"
						spellCheck={false}
					/>
				</label>
				<button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>
					Save
				</button>
				{formError && (
					<p className="field-error" role="alert">
						{formError}
					</p>
				)}
			</form>
			{secrets === null ? (
				<p className="code-waiting">Loading the secrets…</p>
			) : secrets.secrets.length === 0 ? (
				<p className="owner-empty">No secrets yet.</p>
			) : (
				<ul className="secret-list" aria-label="Secrets of this app">
					{secrets.secrets.map((s) => (
						<li key={s.name} className="secret" data-secret={s.name} data-readable={s.readable}>
							<span className="mono secret-name">{s.name}</span>
							{s.readable ? (
								<span className="secret-time">set {formatAgo(s.updatedAt)}</span>
							) : (
								// Sealed under a KILN_SECRETS_KEY this Kiln no longer has: the server runs without it.
								<span className="secret-time secret-unreadable">set under another key — set it again</span>
							)}
							{!s.readable && (
								<button
									type="button"
									className="btn btn-quiet btn-small"
									onClick={() => setAgain(s.name)}
									disabled={busy}
									aria-label={`Set ${s.name} again`}
								>
									Set again
								</button>
							)}
							<button
								type="button"
								className="btn btn-quiet btn-small"
								onClick={() => remove(s.name)}
								disabled={busy}
								aria-label={`Delete ${s.name}`}
							>
								Delete
							</button>
						</li>
					))}
				</ul>
			)}
			{secrets && (
				<p className="owner-note">
					{secrets.secrets.length} of {secrets.max} secrets.
				</p>
			)}
		</section>
	);
}
