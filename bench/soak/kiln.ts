/**
 * The Kiln process under soak (kiln-process.ts): started, SIGKILLed (workerd
 * and the Node process that drives it, at once, as a crash would) and started
 * again on the same persisted state and port. Its output, the Workers' log
 * lines, is kept for the checker, each line stamped as it arrives, and
 * written to a file. workerd's resident memory is read from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync, type WriteStream } from "node:fs";
import path from "node:path";
import type { LogLine } from "./history.ts";
import type { KilnProcessConfig } from "./kiln-process.ts";

const READY = "SOAK_READY ";
const script = path.join(import.meta.dirname, "kiln-process.ts");

export class KilnProcess {
	readonly logs: LogLine[] = [];
	private child: ChildProcess | null = null;
	private readonly out: WriteStream;

	constructor(
		private readonly config: Omit<KilnProcessConfig, "first">,
		logFile: string,
	) {
		this.out = createWriteStream(logFile, { flags: "a" });
	}

	get port(): number {
		return this.config.port;
	}

	/** Starts Kiln and waits until it answers; `first` also bundles the Workers and applies the migrations. */
	async start(first: boolean): Promise<void> {
		const child = spawn(
			process.execPath,
			["--import", "tsx", script, JSON.stringify({ ...this.config, first } satisfies KilnProcessConfig)],
			{ stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
		);
		this.child = child;
		let resolveReady: (info: { port: number }) => void = () => {};
		let rejectReady: (err: Error) => void = () => {};
		const ready = new Promise<{ port: number }>((resolve, reject) => {
			resolveReady = resolve;
			rejectReady = reject;
		});
		const lines = (stream: NodeJS.ReadableStream, name: string) => {
			let partial = "";
			stream.setEncoding("utf8");
			stream.on("data", (chunk: string) => {
				const parts = (partial + chunk).split("\n");
				partial = parts.pop() ?? "";
				for (const line of parts) {
					const t = Date.now();
					this.out.write(`${t} ${name} ${line}\n`);
					if (line.startsWith(READY)) resolveReady(JSON.parse(line.slice(READY.length)));
					else this.logs.push({ t, line });
				}
			});
		};
		lines(child.stdout as NodeJS.ReadableStream, "out");
		lines(child.stderr as NodeJS.ReadableStream, "err");
		child.on("exit", (code, signal) => rejectReady(new Error(`Kiln exited before it was ready (${code ?? signal})`)));
		const timeout = setTimeout(() => rejectReady(new Error("Kiln did not start within 5 minutes")), 300_000);
		try {
			// Port 0 at the first start: Miniflare picks one, and every restart takes it again.
			this.config.port = (await ready).port;
		} finally {
			clearTimeout(timeout);
		}
	}

	/** workerd's pid: the child of the Node process that Miniflare started. */
	workerdPid(): number | null {
		const pid = this.child?.pid;
		if (!pid) return null;
		try {
			const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
			for (const t of tasks) {
				if (readFileSync(`/proc/${t}/comm`, "utf8").trim() === "workerd") return Number(t);
			}
		} catch {}
		return null;
	}

	/** workerd's resident memory in KiB, or null when it cannot be read. */
	rssKiB(): number | null {
		const pid = this.workerdPid();
		if (!pid) return null;
		try {
			const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
			return m ? Number(m[1]) : null;
		} catch {
			return null;
		}
	}

	/** SIGKILL to workerd and its Node process at once: no cleanup, no flush, as a crash. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child) return;
		const exited = new Promise<void>((resolve) =>
			child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
		);
		const workerd = this.workerdPid();
		if (workerd) process.kill(workerd, "SIGKILL");
		child.kill("SIGKILL");
		await exited;
		// workerd, killed by pid, is gone once its pid no longer answers.
		while (workerd && alive(workerd)) await new Promise((r) => setTimeout(r, 20));
		this.child = null;
	}

	/** Stops Kiln politely (the end of the run). */
	async stop(): Promise<void> {
		const child = this.child;
		if (!child) return;
		const exited = new Promise<void>((resolve) =>
			child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
		);
		child.kill("SIGTERM");
		const timer = setTimeout(() => void this.kill(), 10_000);
		await exited;
		clearTimeout(timer);
		this.child = null;
		await new Promise<void>((resolve) => this.out.end(resolve));
	}
}

/** Running (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
	} catch {
		return false;
	}
}
