/**
 * The codegen API's contract, shared by the Workers (which validate with it)
 * and the SPA (which builds requests and reads events with it).
 */
import { z } from "zod";
import { PROJECT_ID } from "./ids";
import { MAX_PROMPT_CHARS } from "./limits";

export { MAX_PROMPT_CHARS };
/** Largest request body any Kiln route reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** POST /api/generate */
export const generateRequest = z.strictObject({
	prompt: z
		.string()
		.max(MAX_PROMPT_CHARS, `A prompt is at most ${MAX_PROMPT_CHARS} characters.`)
		.refine((s) => s.trim().length > 0, "The prompt is empty."),
	/** Edit this project (needs its edit token) ... */
	project: z.string().regex(PROJECT_ID, "A project id is 3 to 32 characters of a-z and 0-9.").optional(),
	/** ... starting from this version (default: the latest). */
	fromVersion: z.number().int().positive().optional(),
});
export type GenerateRequest = z.infer<typeof generateRequest>;

export interface GenerationStats {
	/** Time to first token, from the request reaching Kiln. */
	ttftMs: number;
	durationMs: number;
	outputTokens: number;
	tokensPerSecond: number;
}

/** How a follow-up's answer changed the version it edits. */
export interface EditSummary {
	/** SEARCH/REPLACE blocks applied. */
	blocks: number;
	/** Some file was written in full. */
	rewrite: boolean;
	/** The first answer's edits did not apply and a second turn asked for the full files. */
	repaired: boolean;
}

/**
 * Server-Sent Events of /api/generate, in order: start, delta*, then done or
 * error. Follow-ups add two optional events that older clients ignore: `edit`
 * (an edit block was applied) and `repair` (the edits did not apply: the
 * deltas after it are a new answer, with the full files).
 */
export type GenerateEvent =
	| { event: "start"; data: { project: string; editToken?: string } }
	| { event: "delta"; data: { text: string } }
	| {
			event: "edit";
			data: { file: string; block: number; fromLine: number; toLine: number; match: "exact" | "whitespace" };
	  }
	| { event: "repair"; data: { code: string; message: string } }
	| {
			event: "done";
			data: {
				project: string;
				version: number;
				stats: GenerationStats;
				edit?: EditSummary;
				/** The D1 bookmark of the write that stored the version: reads sent with it see the version (src/shared/bookmark.ts). */
				bookmark?: string;
			};
	  }
	| { event: "error"; data: { code: string; message: string } };

// ------------------------------------------------------------ projects (JSON API)

/**
 * Where a project's app runs. `isolation: "origin"` means `appUrl` is the
 * project's own origin (embed it with `sandbox="allow-scripts allow-same-origin
 * allow-forms allow-modals allow-popups"`: the origin, not the sandbox, keeps it
 * apart); `"sandbox"` means it is served under /p/ on Kiln's own origin with
 * `Content-Security-Policy: sandbox ...` (an opaque origin, no storage).
 */
export interface AppLinks {
	/** Open or embed this: the latest version, on the project's own origin when there is one. */
	appUrl: string;
	/** The share link of the latest version (`/p/:project` on Kiln's origin; it redirects to `appUrl`). */
	shareUrl: string;
	isolation: "origin" | "sandbox";
}

/** One version in a project's list: no code. */
export interface VersionSummaryJson {
	number: number;
	parentNumber: number | null;
	prompt: string;
	contentHash: string;
	provider: string;
	model: string;
	stats: GenerationStats | null;
	createdAt: number;
	/** Whether this version has a server module (its page calls `api/...`). */
	hasServer: boolean;
	/** This version, pinned (immutable), where it runs. */
	appUrl: string;
	/** The pinned share link, `/p/:project/v/:n`. */
	shareUrl: string;
}

/** GET /api/projects/:project */
export interface ProjectJson {
	project: {
		id: string;
		title: string;
		remixedFromProject: string | null;
		remixedFromVersion: number | null;
		createdAt: number;
		/** Taken down by the operator: its pages, server and data answer 410 (`null` otherwise). */
		disabled: TakedownJson["disabled"];
	} & AppLinks;
	versions: VersionSummaryJson[];
}

/** POST /api/admin/projects/:project/disable (the operator's takedown). */
export const takedownRequest = z.strictObject({
	reason: z
		.string()
		.max(500, "A reason is at most 500 characters.")
		.refine((s) => s.trim().length > 0, "Give a reason (it is shown with the project)."),
});

/** The operator's takedown routes' answer: whether the project is taken down, since when and why. */
export interface TakedownJson {
	project: string;
	disabled: { at: number; reason: string } | null;
}

/** POST /api/projects/:project/remix (body optional: the latest version by default). */
export const remixRequest = z.strictObject({
	fromVersion: z.number().int().positive().optional(),
});
export type RemixRequest = z.infer<typeof remixRequest>;

/** 201 answer of a remix: the new project, and its edit token (shown once). */
export interface RemixResponse {
	project: string;
	version: 1;
	editToken: string;
	remixedFrom: { project: string; version: number };
	appUrl: string;
}

/** GET /api/starters: the prompts answered instantly, without a model. */
export interface StarterJson {
	id: string;
	title: string;
	prompt: string;
}

/** GET /api/config: what the SPA needs to know before the first prompt. */
export interface ConfigJson {
	llm:
		| { configured: true; provider: string; model: string }
		| { configured: false; message: string; settings: string[] };
	starters: StarterJson[];
	/** Whether apps' server code can run here; if not, why (a version with a server answers its api/ 501). */
	servers: { available: true } | { available: false; message: string };
	limits: { maxPromptChars: number; maxDocumentBytes: number; maxDocumentsPerProject: number };
}

// ------------------------------------------------------------ the apps' data store

/** Largest JSON document a generated app may store (UTF-8 bytes). */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
/** Most documents one project may hold, across its collections. */
export const MAX_DOCUMENTS_PER_PROJECT = 10_000;
/** Most documents one list answer holds. */
export const MAX_LIST_LIMIT = 1000;
/** A list answer stops once its documents' values reach this many bytes (`next` says where to go on). */
export const MAX_LIST_BYTES = 1024 * 1024;
/** A collection name: 1 to 64 of A-Z a-z 0-9 _ - (first not - ). */
export const COLLECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
/** A document key: 1 to 128 of A-Z a-z 0-9 _ - . : (first not . ). */
export const DOCUMENT_KEY = /^[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}$/;

export interface DocumentJson {
	key: string;
	value: unknown;
	updatedAt: number;
}

/** GET .../data/:collection */
export interface DocumentListJson {
	documents: DocumentJson[];
	/** Pass as `?after=` for the next page; null on the last page. */
	next: string | null;
}

// ------------------------------------------------------------ project origins

/**
 * The project a request's Host names, if it is a project origin: with a
 * `PROJECT_ORIGIN` pattern such as `https://*.apps.example.com`, the label in
 * place of `*`; without one, `<project>.localhost[:port]` (browsers resolve
 * every *.localhost name to loopback). `off` turns project origins off.
 */
export function projectFromHost(host: string | null, pattern: string | undefined): string | null {
	if (!host) return null;
	const h = host.toLowerCase();
	const p = pattern?.trim();
	if (p === "off") return null;
	if (p) {
		const tpl = originPattern(p);
		if (!tpl) return null;
		if (!h.endsWith(tpl.suffix)) return null;
		const label = h.slice(0, -tpl.suffix.length);
		return PROJECT_ID.test(label) ? label : null;
	}
	const m = /^([a-z0-9]+)\.localhost(:\d+)?$/.exec(h);
	return m && PROJECT_ID.test(m[1]) ? m[1] : null;
}

/**
 * The origin a project's app is served from, for a request that reached Kiln at
 * `requestUrl`; null when there is none (apps then run sandboxed under /p/).
 *
 * @example projectOrigin("abc123", "http://localhost:8787/api/x", undefined) // "http://abc123.localhost:8787"
 */
export function projectOrigin(project: string, requestUrl: string, pattern: string | undefined): string | null {
	const p = pattern?.trim();
	if (p === "off") return null;
	if (p) {
		const tpl = originPattern(p);
		return tpl ? `${tpl.scheme}//${project}${tpl.suffix}` : null;
	}
	const url = new URL(requestUrl);
	if (url.hostname === "localhost" || url.hostname.endsWith(".localhost")) {
		return `${url.protocol}//${project}.localhost${url.port ? `:${url.port}` : ""}`;
	}
	return null;
}

/** `https://*.apps.example.com[:port]` → scheme and the host suffix after the label. */
function originPattern(pattern: string): { scheme: string; suffix: string } | null {
	const m = /^(https?:)\/\/\*(\.[a-z0-9.-]+(?::\d+)?)\/?$/i.exec(pattern);
	return m ? { scheme: m[1].toLowerCase(), suffix: m[2].toLowerCase() } : null;
}
