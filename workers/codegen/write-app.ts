import type { LanguageModel, ModelMessage } from "ai";
import type { EditSummary, GenerateEvent } from "../../src/shared/api";
import { type AppFiles, applyAnswer, extractEdit } from "../../src/shared/edits";
import { repairMessages } from "./llm/edit-prompt";
import { extractAppFiles, withDataClient } from "./llm/extract";
import { streamAnswer } from "./llm/stream";
import { checkServerModule } from "./sandbox/check";
import type { GenerationSettings } from "./settings";

export type Written =
	| { ok: true; files: AppFiles; firstTokenAt: number | null; outputTokens: number; edit?: EditSummary }
	| { ok: false; code: string; message: string }
	| { ok: false; gone: true };

/**
 * The model writes the app: a new one from the prompt, or (with `base`) a
 * follow-up, whose edit blocks are applied to `base` as they arrive (an `edit`
 * event each). A follow-up whose edits do not apply (a SEARCH text missing,
 * ambiguous or overlapping, a block cut off, a page without `</html>`, a
 * server module that fails its check) gets ONE repair turn asking for the full
 * files (a `repair` event, then its deltas); if that fails too, the error
 * stands. Only a complete, checked app is ever returned.
 */
export async function writeApp(opts: {
	model: LanguageModel;
	system: string;
	messages: ModelMessage[];
	prompt: string;
	base: AppFiles | null;
	settings: GenerationSettings;
	send: (event: GenerateEvent) => void;
	signal: AbortSignal;
	loader: WorkerLoader | undefined;
}): Promise<Written> {
	const { base } = opts;
	let firstTokenAt: number | null = null;
	let outputTokens = 0;
	let messages = opts.messages;
	for (let turn = 0; ; turn++) {
		const watch = base ? watchEdits(base, opts.send) : null;
		const outcome = await streamAnswer({
			model: opts.model,
			system: opts.system,
			messages,
			settings: opts.settings,
			onDelta: (text) => {
				opts.send({ event: "delta", data: { text } });
				watch?.(text);
			},
			signal: opts.signal,
		});
		if (opts.signal.aborted) return { ok: false, gone: true };
		if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
		firstTokenAt ??= outcome.firstTokenAt;
		outputTokens += outcome.outputTokens ?? Math.ceil(outcome.text.length / 4);
		const result = await finish(outcome.text, outcome.finishReason, base, opts.loader);
		if (result.ok) {
			const edit = base ? { blocks: result.blocks, rewrite: result.rewrite, repaired: turn > 0 } : undefined;
			return { ok: true, files: result.files, firstTokenAt, outputTokens, edit };
		}
		if (!result.repairable || turn > 0) return { ok: false, code: result.code, message: result.message };
		opts.send({ event: "repair", data: { code: result.code, message: result.message } });
		messages = repairMessages(opts.messages, outcome.text, result.message, opts.prompt);
	}
}

type Finished =
	| { ok: true; files: AppFiles; blocks: number; rewrite: boolean }
	| { ok: false; code: string; message: string; repairable: boolean };

/** A finished answer as the app to store, or why not. */
async function finish(
	answer: string,
	finishReason: string,
	base: AppFiles | null,
	loader: WorkerLoader | undefined,
): Promise<Finished> {
	let found: Finished;
	if (base) {
		const e = extractEdit(answer, finishReason, base);
		found = e.ok
			? { ok: true, files: { html: withDataClient(e.html), server: e.server }, blocks: e.blocks, rewrite: e.rewrite }
			: e;
	} else {
		const e = extractAppFiles(answer, finishReason);
		found = e.ok
			? { ok: true, files: { html: e.html, server: e.server }, blocks: 0, rewrite: true }
			: { ...e, repairable: false };
	}
	if (!found.ok) return found;
	// A server module that cannot run is refused now, not on its first request. Without
	// a loader it cannot be checked, nor run: it is kept, and its api/ answers 501.
	// An unchanged server (the base's) passed this check when it was stored.
	const server = found.files.server;
	if (server !== null && loader && server !== base?.server) {
		const checked = await checkServerModule(loader, server);
		if (!checked.ok) {
			return {
				ok: false,
				code: "invalid_server",
				message: checked.message,
				repairable: base !== null && found.blocks > 0,
			};
		}
	}
	return found;
}

/**
 * Follows a follow-up's answer as it streams and announces each edit block
 * the moment it applies. The answer is re-read only when a line that ends a
 * block (`>>>>>>> REPLACE`, a fence) arrives, so a long answer is not re-read
 * on every delta.
 */
function watchEdits(base: AppFiles, send: (event: GenerateEvent) => void): (text: string) => void {
	let answer = "";
	let announced = 0;
	let checkedTo = 0;
	return (text) => {
		answer += text;
		const lineEnd = answer.lastIndexOf("\n");
		if (lineEnd < checkedTo) return;
		const fresh = answer.slice(Math.max(0, checkedTo - 1), lineEnd);
		checkedTo = lineEnd + 1;
		if (!/(^|\n)[ \t]*(>{5,9} ?REPLACE|```)/.test(fresh)) return;
		const { blocks } = applyAnswer(answer, base);
		for (const b of blocks.slice(announced)) {
			send({
				event: "edit",
				data: { file: b.file, block: b.block, fromLine: b.from + 1, toLine: b.to, match: b.match },
			});
		}
		announced = Math.max(announced, blocks.length);
	};
}
