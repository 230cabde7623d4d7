import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
import { buildMessages, SYSTEM_PROMPT } from "../workers/codegen/llm/prompt";

const shared = createOpenAICompatible({
	name: "x",
	baseURL: "http://127.0.0.1:9/v1",
	includeUsage: true,
	fetch: async () => {
		tf = performance.now();
		throw new Error("stop");
	},
}).chatModel("m");
let tf = 0;
async function once(reuse: boolean) {
	const t0 = performance.now();
	const model = reuse
		? shared
		: createOpenAICompatible({
				name: "x",
				baseURL: "http://127.0.0.1:9/v1",
				includeUsage: true,
				fetch: async () => {
					tf = performance.now();
					throw new Error("stop");
				},
			}).chatModel("m");
	const r = streamText({
		model,
		system: SYSTEM_PROMPT,
		messages: buildMessages("a todo app"),
		maxRetries: 0,
		onError: () => {},
	});
	for await (const _ of r.fullStream) {
	}
	return tf - t0;
}
for (const reuse of [false, true, false, true]) {
	const xs: number[] = [];
	for (let i = 0; i < 200; i++) xs.push(await once(reuse));
	xs.sort((a, b) => a - b);
	console.log(`reuse=${reuse} median setup->fetch ${xs[100].toFixed(3)} ms`);
}
