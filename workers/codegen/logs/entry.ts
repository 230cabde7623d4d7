/**
 * One request to an app's server as its owner's log keeps it, from two
 * reports that meet by the request's id (`x-kiln-request`, set by Kiln on the
 * request it hands the sandbox):
 * - Kiln's (`RequestFacts`, app-server.ts): what the client was answered and
 *   how long it took, by Kiln's own clock: a timeout or an oversized answer
 *   is the app's request too.
 * - The runtime's (`RuntimeReport`, from the sandbox's Tail Worker, tail.ts):
 *   what the app printed and the errors it did not catch, which the app
 *   cannot turn off, secrets already cut out.
 * Each is bounded here, so one chatty request cannot fill the log.
 */
import { clip as clipText } from "../../../src/http/redact";
import type { LogErrorJson, LogLineJson } from "../../../src/shared/secrets";

/** The header that carries a request's log id into the sandbox (and back out in its tail event). */
export const REQUEST_ID_HEADER = "x-kiln-request";

/** Most lines kept of one request's output, and characters of one line and of all of them. */
export const MAX_LINES = 50;
export const MAX_LINE_CHARS = 2_000;
export const MAX_OUTPUT_CHARS = 16_000;
/** Most uncaught errors kept of one request, and characters of a stack. */
export const MAX_ERRORS = 5;
export const MAX_STACK_CHARS = 4_000;

export interface RequestFacts {
	id: string;
	at: number;
	method: string;
	path: string;
	status: number;
	durationMs: number;
	version: number;
}

export interface RuntimeReport {
	id: string;
	at: number;
	method: string;
	path: string;
	/** The app's own status (Kiln's, in RequestFacts, wins when both arrive). */
	status: number | null;
	logs: LogLineJson[];
	errors: LogErrorJson[];
	truncated: boolean;
}

/** A request's log id: short, and not shaped like a key (tail events redact those). */
export function newRequestId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(8));
	return `${Date.now().toString(36)}-${[...bytes].map((b) => (b % 36).toString(36)).join("")}`;
}

/** The first line the Kiln shim prints for an error the app's fetch threw (sandbox/modules.ts). */
export const SHIM_UNCAUGHT = "[kiln] uncaught";

/**
 * The runtime's report of one sandbox request, or null for an event that is
 * not a request (Kiln sends the sandbox nothing else). `redact` cuts the
 * project's secret values out of every text.
 */
export function runtimeReport(item: TraceItem, redact: (text: string) => string): RuntimeReport | null {
	const event = item.event as TraceItemFetchEventInfo | null;
	if (!event || !("request" in event)) return null;
	const request = typeof event.request.getUnredacted === "function" ? event.request.getUnredacted() : event.request;
	const id = request.headers[REQUEST_ID_HEADER] ?? newRequestId();
	let path = "/";
	try {
		path = new URL(request.url).pathname;
	} catch {}
	let truncated = item.truncated;
	const logs: LogLineJson[] = [];
	const errors: LogErrorJson[] = [];
	let chars = 0;
	for (const log of item.logs) {
		const args = Array.isArray(log.message) ? log.message : [log.message];
		if (args[0] === SHIM_UNCAUGHT) {
			const info = log.errorInfo?.[1];
			errors.push(errorOf(info?.name ?? "Error", info?.message ?? String(args[1] ?? ""), info?.stack, redact));
			continue;
		}
		if (logs.length >= MAX_LINES || chars >= MAX_OUTPUT_CHARS) {
			truncated = true;
			continue;
		}
		// An Error argument comes as its "Name: message"; its stack, when the runtime gives it, follows.
		const text = args
			.map((arg, i) => {
				const stack = log.errorInfo?.[i]?.stack;
				return stack ? `${formatArg(arg)}\n${stack}` : formatArg(arg);
			})
			.join(" ");
		const line = clip(redact(text), Math.min(MAX_LINE_CHARS, MAX_OUTPUT_CHARS - chars));
		if (line.cut) truncated = true;
		chars += line.text.length;
		logs.push({ level: String(log.level), message: line.text, at: log.timestamp });
	}
	for (const e of item.exceptions) errors.push(errorOf(e.name, e.message, e.stack, redact));
	if (errors.length > MAX_ERRORS) {
		errors.length = MAX_ERRORS;
		truncated = true;
	}
	return {
		id,
		at: item.eventTimestamp ?? Date.now(),
		method: request.method,
		path: redact(path),
		status: event.response?.status ?? null,
		logs,
		errors,
		truncated,
	};
}

function errorOf(name: string, message: string, stack: string | undefined, redact: (t: string) => string) {
	return {
		name: clip(redact(String(name)), 200).text,
		message: clip(redact(String(message)), MAX_LINE_CHARS).text,
		stack: stack ? clip(redact(stack), MAX_STACK_CHARS).text : null,
	};
}

/** One console argument as text: a string as is, anything else as JSON (as the runtime serialized it). */
function formatArg(arg: unknown): string {
	if (typeof arg === "string") return arg;
	try {
		return JSON.stringify(arg) ?? String(arg);
	} catch {
		return String(arg);
	}
}

function clip(text: string, max: number): { text: string; cut: boolean } {
	const out = clipText(text, max);
	return { text: out, cut: out !== text };
}
