/**
 * One HTTP request to Kiln on 127.0.0.1 with a Host of our choosing (a
 * project's `<id>.localhost:<port>` origin, which Node cannot resolve but
 * Kiln routes by), over a keep-alive agent so that a bench measures Kiln,
 * not new connections.
 */
import http from "node:http";

export function hostRequest(
	agent: http.Agent,
	port: number,
	host: string,
	pathName: string,
	method = "GET",
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: "127.0.0.1", port, method, path: pathName, agent, headers: { host } }, (res) => {
			let body = "";
			res.setEncoding("utf8");
			res.on("data", (d) => (body += d));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on("error", reject);
		req.end();
	});
}
