/**
 * What every fake made of several servers needs (Node): a server on a free
 * port of 127.0.0.1, and one close for all of them that also ends the requests
 * a fake left hanging on purpose.
 */
import type { Server, ServerResponse } from "node:http";

/** Listens on 127.0.0.1 at a free port; the server's origin, e.g. http://127.0.0.1:41234. */
export async function listenOnLoopback(server: Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Closes the servers at once, first destroying the responses left hanging. */
export async function closeServers(servers: Server[], hanging: Iterable<ServerResponse>): Promise<void> {
	for (const res of hanging) res.destroy();
	await Promise.all(
		servers.map(
			(s) =>
				new Promise<void>((resolve) => {
					s.closeAllConnections();
					s.close(() => resolve());
				}),
		),
	);
}
