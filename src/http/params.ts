import { MAX_VERSION, PROJECT_ID, VERSION_NUMBER } from "../shared/ids";
import { HttpError } from "./errors";

export function parseProjectId(raw: string): string {
	if (!PROJECT_ID.test(raw)) {
		throw new HttpError(400, "invalid_project_id", "A project id is 3 to 32 characters of a-z and 0-9.");
	}
	return raw;
}

/** A version number from a URL: "0", "-1", "abc", "1e9" and "01" are refused with a 400. */
export function parseVersionNumber(raw: string): number {
	if (!VERSION_NUMBER.test(raw) || Number(raw) > MAX_VERSION) {
		throw new HttpError(400, "invalid_version", `A version is a whole number from 1 to ${MAX_VERSION}.`);
	}
	return Number(raw);
}
