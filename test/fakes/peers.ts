/**
 * Loopback HTTP servers for the outbound guard's tests (Node), each on its own
 * port of 127.0.0.1 and so its own origin: "a" and "b", which the tests allow,
 * and "forbidden", which they never do and which counts what reaches it.
 *
 * Paths on a and b: /ok; /redirect?to=<url>&status=<3xx>; /loop (redirects to
 * itself); /echo (the request as JSON); /stall (never answers); /stall-body
 * (headers and a first chunk, then nothing); /reset (closes the connection
 * unanswered); /bytes?n=<count>.
 * On forbidden: /__hits (not counted) says how many other requests came.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeServers, listenOnLoopback } from "./loopback.ts";

export type PeerName = "a" | "b" | "forbidden";

export interface Peers {
	origins: Record<PeerName, string>;
	close: () => Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<string> {
	let text = "";
	for await (const chunk of req) text += chunk;
	return text;
}

function handle(url: URL, req: IncomingMessage, res: ServerResponse, hanging: Set<ServerResponse>) {
	const hang = () => {
		hanging.add(res);
		res.on("close", () => hanging.delete(res));
	};
	switch (url.pathname) {
		case "/ok":
			res.writeHead(200, { "content-type": "text/plain" });
			return res.end("ok");
		case "/redirect":
			res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: url.searchParams.get("to") ?? "/" });
			return res.end();
		case "/loop":
			res.writeHead(302, { location: "/loop" });
			return res.end();
		case "/echo":
			return void readAll(req).then((body) => {
				res.writeHead(200, { "content-type": "application/json" });
				res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
			});
		case "/stall":
			return hang();
		case "/reset":
			return req.socket.destroy();
		case "/stall-body":
			res.writeHead(200, { "content-type": "text/plain" });
			res.write("first chunk");
			return hang();
		case "/bytes": {
			const n = Number(url.searchParams.get("n") ?? 0);
			res.writeHead(200, { "content-type": "application/octet-stream" });
			for (let sent = 0; sent < n; sent += 16_384) res.write(Buffer.alloc(Math.min(16_384, n - sent), 120));
			return res.end();
		}
		default:
			res.writeHead(404);
			return res.end();
	}
}

export async function startPeers(): Promise<Peers> {
	const servers: Server[] = [];
	const origins = {} as Record<PeerName, string>;
	const hanging = new Set<ServerResponse>();
	let forbiddenHits = 0;
	for (const name of ["a", "b", "forbidden"] as const) {
		const server = createServer((req, res) => {
			const url = new URL(req.url ?? "/", "http://x");
			if (name !== "forbidden") return handle(url, req, res, hanging);
			if (url.pathname === "/__hits") {
				res.writeHead(200, { "content-type": "application/json" });
				return res.end(JSON.stringify({ hits: forbiddenHits }));
			}
			forbiddenHits++;
			res.writeHead(200, { "content-type": "text/html" });
			res.end("<title>Internal secret</title>");
		});
		origins[name] = await listenOnLoopback(server);
		servers.push(server);
	}
	return {
		origins,
		close: () => closeServers(servers, hanging),
	};
}
