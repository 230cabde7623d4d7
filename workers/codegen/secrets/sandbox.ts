/**
 * A project's secrets on their way into its server's sandbox, as `env.<NAME>`.
 * The loader id carries the project's secrets revision (and the key's id), so
 * a change is a new id: the next request builds a new sandbox, and only then
 * are the values read from D1 and decrypted (one query, for a cold sandbox
 * alone; a warm one costs nothing).
 */
import type { Db } from "../../../src/db/client";
import { listSealedSecretsSince } from "../../../src/db/secrets";
import { decryptSecret, secretsKey } from "./crypto";

export interface SandboxSecrets {
	/** Part of the loader id. */
	tag: string;
	/** The values by name, read only when the loader builds the sandbox. */
	load(): Promise<Record<string, string>>;
}

const NONE: SandboxSecrets = { tag: "s0", load: async () => ({}) };

/** A lookup that is run once more on the primary when it finds nothing (`RequestDb.find`). */
export type Find = <T>(lookup: (db: Db) => Promise<T | null>) => Promise<T | null>;

/**
 * Without `KILN_SECRETS_KEY` (or with one that is not a key), or before the
 * project's first secret, the server runs without secrets. The values are
 * read as of `revision` or later: a read replica behind it is passed over for
 * the primary, or a sandbox would keep old values under the new revision's id.
 */
export async function sandboxSecrets(
	setting: string | undefined,
	find: Find,
	project: string,
	revision: number,
): Promise<SandboxSecrets> {
	if (revision === 0) return NONE;
	const state = await secretsKey(setting);
	if (!state.ok) return NONE;
	const { key } = state;
	return {
		tag: `s${revision}-${key.id}`,
		async load() {
			const values: Record<string, string> = {};
			let unreadable = 0;
			for (const { name, value } of (await find((db) => listSealedSecretsSince(db, project, revision))) ?? []) {
				const plain = await decryptSecret(key, project, name, value);
				if (plain === null) unreadable++;
				else values[name] = plain;
			}
			// Sealed under another key (KILN_SECRETS_KEY was changed): the server runs without them
			// until the owner sets them again. A count only: never a value.
			if (unreadable > 0)
				console.error(`project ${project}: ${unreadable} secret(s) do not open with KILN_SECRETS_KEY`);
			return values;
		},
	};
}
