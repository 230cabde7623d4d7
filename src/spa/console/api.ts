/**
 * The Notion console's calls to the notion Worker (through the gateway, under
 * /notion), each with the operator's credential. The answers' shapes are the
 * shared contract in src/shared/notion-console.ts.
 */
import type {
	BudgetJson,
	ConsoleSetupJson,
	DryRunJson,
	EventDetailJson,
	EventListJson,
	EventStatus,
	StatsJson,
	TestDeliveryRequest,
	TestQueuedJson,
	TokenCheckJson,
	VerificationJson,
} from "../../shared/notion-console";
import { ApiError } from "../lib/api";

const BASE = "/notion";

/** The operator's credential, kept for this tab's session only (never localStorage). */
const TOKEN_KEY = "kiln:operator-token";
export const operatorToken = {
	get: () => sessionStorage.getItem(TOKEN_KEY),
	set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
	clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

async function call<T>(token: string, path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<T> {
	let res: Response;
	try {
		res = await fetch(`${BASE}${path}`, {
			...init,
			signal,
			headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
		});
	} catch (err) {
		if (err instanceof DOMException && err.name === "AbortError") throw new ApiError(0, "aborted", "Stopped.");
		throw new ApiError(0, "network", "Could not reach Kiln. Check your connection and try again.");
	}
	if (res.ok) return (await res.json()) as T;
	let code = `http_${res.status}`;
	let message = `The server answered ${res.status} ${res.statusText}.`;
	try {
		const body = (await res.json()) as { error?: { code?: string; message?: string } };
		code = body.error?.code ?? code;
		message = body.error?.message ?? message;
	} catch {}
	throw new ApiError(res.status, code, message);
}

export interface EventFilter {
	path?: string;
	status?: EventStatus;
}

function query(params: Record<string, string | number | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : "";
}

/** Every call the console makes, for one credential. */
export function consoleApi(token: string) {
	return {
		setup: (signal?: AbortSignal) => call<ConsoleSetupJson>(token, "/console/setup", {}, signal),
		checkToken: (signal?: AbortSignal) => call<TokenCheckJson>(token, "/console/token", {}, signal),
		verification: (signal?: AbortSignal) => call<VerificationJson>(token, "/verification", {}, signal),
		discardVerification: () => call<{ ok: true }>(token, "/verification", { method: "DELETE" }),
		budget: (signal?: AbortSignal) => call<BudgetJson>(token, "/console/budget", {}, signal),
		stats: (signal?: AbortSignal) => call<StatsJson>(token, "/console/stats", {}, signal),
		/** The newest events matching the filter, and the cursor to follow changes from. */
		events: (f: EventFilter, signal?: AbortSignal) =>
			call<EventListJson>(token, `/events${query({ limit: 100, ...f })}`, {}, signal),
		/**
		 * What changed since the cursor, whatever its status now (a failed run replayed to
		 * done must leave a "failed" view): the caller filters by status itself.
		 */
		changes: (since: number, path: string | undefined, signal?: AbortSignal) =>
			call<EventListJson>(token, `/events${query({ since, path, limit: 200 })}`, {}, signal),
		event: (id: string, signal?: AbortSignal) =>
			call<EventDetailJson>(token, `/events/${encodeURIComponent(id)}`, {}, signal),
		replay: (id: string) => call<{ ok: true }>(token, `/events/${encodeURIComponent(id)}/replay`, { method: "POST" }),
		test: (req: TestDeliveryRequest) =>
			call<DryRunJson | TestQueuedJson>(token, "/console/test", { method: "POST", body: JSON.stringify(req) }),
	};
}
export type ConsoleApi = ReturnType<typeof consoleApi>;
