/**
 * The owner's calls (they need the project's edit token): the project's
 * secrets and its server's log. Through the same typed client as lib/api.ts.
 */
import type { LogsJson, PutSecretRequest, SecretsJson } from "../../shared/secrets";
import { client, networkError, toApiError } from "./api";

const auth = (editToken: string) => ({ Authorization: `Bearer ${editToken}` });

export async function fetchSecrets(project: string, editToken: string, signal?: AbortSignal): Promise<SecretsJson> {
	try {
		const res = await client.api.projects[":project"].secrets.$get(
			{ param: { project } },
			{ headers: auth(editToken), init: { signal } },
		);
		if (res.status !== 200) throw await toApiError(res);
		return (await res.json()) as SecretsJson;
	} catch (err) {
		throw networkError(err);
	}
}

/** Sets (or replaces) a secret; its value is sent once and never comes back. */
export async function saveSecret(project: string, name: string, value: string, editToken: string): Promise<void> {
	const body: PutSecretRequest = { value };
	try {
		const res = await client.api.projects[":project"].secrets[":name"].$put(
			{ param: { project, name } },
			{
				headers: { ...auth(editToken), "Content-Type": "application/json" },
				init: { body: JSON.stringify(body) },
			},
		);
		if (res.status !== 200) throw await toApiError(res);
	} catch (err) {
		throw networkError(err);
	}
}

export async function deleteSecret(project: string, name: string, editToken: string): Promise<void> {
	try {
		const res = await client.api.projects[":project"].secrets[":name"].$delete(
			{ param: { project, name } },
			{ headers: auth(editToken) },
		);
		if (res.status !== 204) throw await toApiError(res);
	} catch (err) {
		throw networkError(err);
	}
}

/** The newest requests to the app's server, newest first. */
export async function fetchLogs(project: string, editToken: string, signal?: AbortSignal): Promise<LogsJson> {
	try {
		const res = await client.api.projects[":project"].logs.$get(
			{ param: { project } },
			{ headers: auth(editToken), init: { signal } },
		);
		if (res.status !== 200) throw await toApiError(res);
		return (await res.json()) as LogsJson;
	} catch (err) {
		throw networkError(err);
	}
}
