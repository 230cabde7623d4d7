/**
 * A problem with the gate's input (unknown ref, no migrations folder...):
 * the CLI prints the message alone and exits 2, never a stack trace.
 */
export class UsageError extends Error {
	override name = "UsageError";
}
