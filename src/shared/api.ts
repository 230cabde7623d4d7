/**
 * The codegen API's contract, shared by the Workers (which validate with it)
 * and the SPA (which builds requests and reads events with it).
 */
import { z } from "zod";
import { PROJECT_ID } from "./ids";

export const MAX_PROMPT_CHARS = 20_000;
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

/** Server-Sent Events of /api/generate, in order: start, delta*, then done or error. */
export type GenerateEvent =
	| { event: "start"; data: { project: string; editToken?: string } }
	| { event: "delta"; data: { text: string } }
	| { event: "done"; data: { project: string; version: number; stats: GenerationStats } }
	| { event: "error"; data: { code: string; message: string } };
