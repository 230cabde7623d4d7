import type { Context } from "hono";
import { createProject, getProjectAndVersion, insertNextVersion, type Version } from "../../src/db/projects";
import { readJson } from "../../src/http/body";
import { HttpError, rootCause } from "../../src/http/errors";
import { appContentHash, fencedFiles } from "../../src/shared/answer";
import { type EditSummary, type GenerateRequest, type GenerationStats, generateRequest } from "../../src/shared/api";
import { sha256Hex } from "../../src/shared/hash";
import { appServers } from "./app-server";
import type { CodegenEnv } from "./context";
import { titleOf } from "./llm/extract";
import { buildMessages, systemPrompt } from "./llm/prompt";
import { languageModel } from "./llm/provider";
import { requireEditToken } from "./owner";
import { clientKey, rateLimit } from "./rate-limit";
import { generationSettings, llmConfig } from "./settings";
import { sseStream } from "./sse";
import { findStarter } from "./starters";
import { takenDownError } from "./takedown";
import { newEditToken, newProjectId } from "./tokens";
import { writeApp } from "./write-app";

/**
 * POST /api/generate. Everything that can be refused is refused before the
 * stream opens, as a JSON 4xx that writes nothing: bad body, unknown project,
 * missing or wrong edit token, missing version, rate limit, no model. Then
 * Server-Sent Events: `start`, `delta`... as the model writes, and `done` once
 * the version is stored, or `error` (and nothing stored).
 */
export async function handleGenerate(c: Context<CodegenEnv>): Promise<Response> {
	const startedAt = Date.now();
	// Every millisecond before the model is called adds to the time to first delta, so the
	// rate limit (which needs only the client's address) runs while the body is read, and
	// alongside the project lookup. Refused bodies count against the limit too.
	const limited = rateLimit(c.env.GENERATE_LIMITER, clientKey(c.req.raw), "generations").then(
		() => null,
		(err: unknown) => err,
	);
	const req = parseRequest(await readJson(c.req.raw, { requireJsonType: true }));
	const db = c.get("db");
	const [limitError, found] = await Promise.all([
		limited,
		req.project ? getProjectAndVersion(db, req.project, req.fromVersion ?? "latest") : null,
	]);
	if (limitError) throw limitError;

	let base: Version | null = null;
	if (req.project) {
		if (!found) throw new HttpError(404, "project_not_found", `No project "${req.project}".`);
		await requireEditToken(
			c.req.raw,
			found.project.editTokenHash,
			"Editing a project needs its edit token: Authorization: Bearer <editToken>. Anyone may remix it instead.",
		);
		// A taken-down app gets no new versions (nor model spend) until the operator enables it.
		if (found.project.disabledAt !== null) throw takenDownError();
		if (!found.version) {
			throw new HttpError(404, "version_not_found", `Project "${req.project}" has no version ${req.fromVersion}.`);
		}
		base = found.version;
	}

	const starter = base ? undefined : findStarter(req.prompt);
	const config = llmConfig(c.env);
	if (!starter && !config.configured) {
		throw new HttpError(503, "no_provider", config.message);
	}

	const projectId = req.project ?? newProjectId();
	const editToken = req.project ? undefined : newEditToken();
	const sse = sseStream();

	const run = async () => {
		// Everything Kiln does before the model is called (body, rate limit, lookup, token): for the log.
		const beforeModelMs = Date.now() - startedAt;
		sse.send({ event: "start", data: editToken ? { project: projectId, editToken } : { project: projectId } });
		let files: { html: string; server: string | null };
		let firstTokenAt: number | null;
		let outputTokens: number;
		let provider: string;
		let model: string;
		let edit: EditSummary | undefined;
		if (starter) {
			firstTokenAt = Date.now();
			files = { html: starter.code, server: starter.server ?? null };
			sse.send({ event: "delta", data: { text: `${fencedFiles(files)}\n` } });
			outputTokens = 0;
			provider = "starter";
			model = starter.id;
		} else {
			if (!config.configured) return; // narrowed above
			const written = await writeApp({
				model: languageModel(config, c.env),
				system: systemPrompt({ servers: appServers(c.env).available, editing: base !== null }),
				messages: buildMessages(
					req.prompt,
					base ? { html: base.code, server: base.server, number: base.number } : undefined,
				),
				prompt: req.prompt,
				base: base ? { html: base.code, server: base.server } : null,
				settings: generationSettings(c.env),
				send: sse.send,
				signal: sse.gone,
				loader: (c.env as { LOADER?: WorkerLoader }).LOADER,
			});
			if ("gone" in written) {
				return log({ project: projectId, outcome: "client_gone", d1Queries: c.get("d1Queries")() });
			}
			if (!written.ok) {
				sse.send({ event: "error", data: { code: written.code, message: written.message } });
				return log({ project: projectId, outcome: written.code, d1Queries: c.get("d1Queries")() });
			}
			files = written.files;
			edit = written.edit;
			firstTokenAt = written.firstTokenAt;
			outputTokens = written.outputTokens;
			provider = config.provider;
			model = config.model;
		}
		// Stopped (or the tab closed) before the answer was stored: it was told nothing is saved, so nothing is.
		if (sse.gone.aborted) return log({ project: projectId, outcome: "client_gone", d1Queries: c.get("d1Queries")() });
		const finishedAt = Date.now();
		const stats = statsOf(startedAt, firstTokenAt, finishedAt, outputTokens);
		const version = {
			prompt: req.prompt,
			code: files.html,
			server: files.server,
			contentHash: await appContentHash(files),
			provider,
			model,
			stats,
		};
		let number: number | null;
		if (base) {
			number = await insertNextVersion(db, projectId, base.number, version);
		} else {
			await createProject(db, {
				id: projectId,
				title: (titleOf(files.html) ?? req.prompt.trim()).slice(0, 80),
				editTokenHash: await sha256Hex(editToken as string),
				firstVersion: version,
			});
			number = 1;
		}
		if (number === null) {
			sse.send({
				event: "error",
				data: { code: "project_not_found", message: `Project "${projectId}" no longer exists.` },
			});
			return;
		}
		// The write's bookmark: the client's next reads, sent with it, see this version on any replica.
		const bookmark = c.get("d1").bookmark();
		sse.send({
			event: "done",
			data: { project: projectId, version: number, stats, ...(edit && { edit }), ...(bookmark && { bookmark }) },
		});
		log({
			project: projectId,
			outcome: "done",
			version: number,
			provider,
			ttftMs: stats.ttftMs,
			beforeModelMs,
			d1Queries: c.get("d1Queries")(),
			...(edit && { blocks: edit.blocks, rewrite: edit.rewrite, repaired: edit.repaired }),
		});
	};

	const work = run()
		.catch((err) => {
			console.error(`generate failed: ${rootCause(err, [c.env.LLM_API_KEY])}`);
			sse.send({
				event: "error",
				data: { code: "internal_error", message: "Something went wrong on our side; nothing was stored. Try again." },
			});
		})
		.finally(() => sse.close());
	// The stream is returned at once; the work finishes in waitUntil (a client that goes away cancels it, above).
	c.executionCtx.waitUntil(work);
	return sse.response;
}

function parseRequest(body: unknown): GenerateRequest {
	const parsed = generateRequest.safeParse(body);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
		throw new HttpError(400, "invalid_request", `${where}${issue?.message ?? "Invalid request."}`);
	}
	if (parsed.data.fromVersion !== undefined && parsed.data.project === undefined) {
		throw new HttpError(400, "invalid_request", "fromVersion: needs a project to edit.");
	}
	return parsed.data;
}

function statsOf(
	startedAt: number,
	firstTokenAt: number | null,
	finishedAt: number,
	outputTokens: number,
): GenerationStats {
	const ttftMs = (firstTokenAt ?? finishedAt) - startedAt;
	const durationMs = finishedAt - startedAt;
	// Speed while streaming (after the first token); the whole duration when it all came at once.
	const streamingMs = durationMs - ttftMs > 0 ? durationMs - ttftMs : durationMs;
	const tokensPerSecond = streamingMs > 0 ? Math.round((outputTokens / streamingMs) * 10_000) / 10 : 0;
	return { ttftMs, durationMs, outputTokens, tokensPerSecond };
}

/** One line per generation for Workers Logs: ids, outcome and counts only (never prompts, code or keys). */
function log(fields: Record<string, string | number | boolean>) {
	console.log(JSON.stringify({ event: "generation", ...fields }));
}
