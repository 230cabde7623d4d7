/**
 * The Tail Worker of every app sandbox (`tails` of the loader, sandbox/run.ts):
 * after each request to the app's server, the runtime hands it what the app
 * printed and the errors it did not catch. The props, set by Kiln when it
 * built the sandbox, name the project and carry the secret values that
 * sandbox holds, so they are cut out before anything is stored; the app
 * cannot reach this entrypoint or its props.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { secretRedactor } from "../secrets/redact";
import { runtimeReport } from "./entry";
import { queueLog } from "./queue";

export interface TailProps {
	project: string;
	/** The secret values of the sandbox's env, to redact. */
	redact: string[];
}

export class AppTail extends WorkerEntrypoint<CodegenBindings, TailProps> {
	override async tail(events: TraceItem[]): Promise<void> {
		const { project, redact } = this.ctx.props;
		const cut = secretRedactor(redact);
		for (const item of events) {
			const report = runtimeReport(item, cut);
			if (report) queueLog(this.env.APP_LOGS, this.ctx, project, { report });
		}
	}
}
