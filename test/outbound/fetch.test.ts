// outboundFetch against loopback peers (test/fakes/peers.ts): the allow setting
// lets exactly the allowed origins through, every redirect is checked again,
// and the wall clock and size cap end what runs too long or grows too big.
import { describe, expect, inject, it } from "vitest";
import { OutboundError, outboundFetch, parseAllowOrigins } from "../../src/outbound";
import type { PeerName } from "../fakes/peers.ts";

const peers: Record<PeerName, string> = JSON.parse(inject("peers"));
const { a, b, forbidden } = peers;
// As a user would set it: the two peers the tests trust, not the third.
const allowOrigins = parseAllowOrigins(`${a},${b}`);

/** The OutboundError an outbound fetch (or reading its body) rejects with. */
async function failure(p: Promise<unknown>): Promise<OutboundError> {
	const err = await p.then(
		() => null,
		(e: unknown) => e,
	);
	expect(err).toBeInstanceOf(OutboundError);
	return err as OutboundError;
}

const forbiddenHits = async () => ((await (await fetch(`${forbidden}/__hits`)).json()) as { hits: number }).hits;

const redirectTo = (to: string, status = 302) => `${a}/redirect?${new URLSearchParams({ to, status: String(status) })}`;

describe("the allow setting", () => {
	it("lets an allowed loopback origin through", async () => {
		const res = await outboundFetch(`${a}/ok`, {}, { allowOrigins });
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("ok");
		expect(res.url).toBe(`${a}/ok`);
		expect(res.redirected).toBe(false);
	});

	it("refuses another port on the same host, and nothing reaches it", async () => {
		const before = await forbiddenHits();
		const err = await failure(outboundFetch(`${forbidden}/admin`, {}, { allowOrigins }));
		expect(err.code).toBe("outbound_refused");
		expect(err.message).toContain("loopback");
		expect(await forbiddenHits()).toBe(before);
	});

	it("refuses an allowed origin's port under another name (localhost)", async () => {
		const err = await failure(outboundFetch(a.replace("127.0.0.1", "localhost"), {}, { allowOrigins }));
		expect(err.code).toBe("outbound_refused");
	});

	it("refuses loopback when nothing is allowed", async () => {
		expect((await failure(outboundFetch(`${a}/ok`))).code).toBe("outbound_refused");
	});

	it("refuses a Request object's URL the same way", async () => {
		const err = await failure(outboundFetch(new Request(`${forbidden}/admin`), {}, { allowOrigins }));
		expect(err.code).toBe("outbound_refused");
	});
});

describe("redirects", () => {
	it("refuses a redirect from an allowed origin to one that is not, and nothing reaches it", async () => {
		const before = await forbiddenHits();
		for (const status of [301, 302, 303, 307, 308]) {
			const err = await failure(outboundFetch(redirectTo(`${forbidden}/admin`, status), {}, { allowOrigins }));
			expect(err.code).toBe("outbound_refused");
		}
		// Relative and scheme-relative spellings of a loopback target, too.
		const err = await failure(outboundFetch(redirectTo("//localhost/admin"), {}, { allowOrigins }));
		expect(err.code).toBe("outbound_refused");
		expect(await forbiddenHits()).toBe(before);
	});

	it("follows allowed hops and answers with the last hop's URL", async () => {
		const res = await outboundFetch(redirectTo(`${b}/redirect?to=/ok`), {}, { allowOrigins });
		expect(await res.text()).toBe("ok");
		expect(res.url).toBe(`${b}/ok`);
		expect(res.redirected).toBe(true);
	});

	it("stops after maxRedirects", async () => {
		const err = await failure(outboundFetch(`${a}/loop`, {}, { allowOrigins, maxRedirects: 3 }));
		expect(err.code).toBe("outbound_too_many_redirects");
	});

	it("keeps Authorization on the same origin and drops it (and cookies) for another", async () => {
		const headers = { authorization: "Bearer secret", cookie: "s=1", "x-kept": "yes" };
		const same = await outboundFetch(redirectTo(`${a}/echo`), { headers }, { allowOrigins });
		expect((await same.json<{ headers: Record<string, string> }>()).headers).toMatchObject(headers);
		const other = await outboundFetch(redirectTo(`${b}/echo`), { headers }, { allowOrigins });
		const seen = (await other.json<{ headers: Record<string, string> }>()).headers;
		expect(seen.authorization).toBeUndefined();
		expect(seen.cookie).toBeUndefined();
		expect(seen["x-kept"]).toBe("yes");
	});

	it("turns a POST into a GET on 303, and sends the body again on 307", async () => {
		const init = { method: "POST", body: "payload", headers: { "content-type": "text/plain" } };
		const see = await outboundFetch(redirectTo(`${a}/echo`, 303), init, { allowOrigins });
		expect(await see.json()).toMatchObject({ method: "GET", body: "" });
		const temp = await outboundFetch(redirectTo(`${a}/echo`, 307), init, { allowOrigins });
		expect(await temp.json()).toMatchObject({ method: "POST", body: "payload" });
	});
});

describe("limits", () => {
	it("times out a peer that never answers", async () => {
		const err = await failure(outboundFetch(`${a}/stall`, {}, { allowOrigins, timeoutMs: 300 }));
		expect(err.code).toBe("outbound_timeout");
	});

	it("times out a body that stops halfway (one wall clock for the whole exchange)", async () => {
		const res = await outboundFetch(`${a}/stall-body`, {}, { allowOrigins, timeoutMs: 500 });
		expect(res.status).toBe(200);
		expect((await failure(res.text())).code).toBe("outbound_timeout");
	});

	it("refuses a body over the cap while reading it, and passes one under it", async () => {
		const big = await outboundFetch(`${a}/bytes?n=200000`, {}, { allowOrigins, maxBytes: 100_000 });
		const err = await failure(big.arrayBuffer());
		expect(err.code).toBe("outbound_too_large");
		expect(err.message).toContain("100000 bytes");
		const ok = await outboundFetch(`${a}/bytes?n=200000`, {}, { allowOrigins, maxBytes: 200_000 });
		expect((await ok.arrayBuffer()).byteLength).toBe(200_000);
	});

	it("leaves the caller's own abort as it is", async () => {
		const controller = new AbortController();
		const p = outboundFetch(`${a}/stall`, { signal: controller.signal }, { allowOrigins });
		controller.abort(new Error("caller gave up"));
		await expect(p).rejects.toThrow("caller gave up");
	});

	// workerd logs "Network connection lost" here itself, as it does for a plain fetch.
	it("says outbound_failed when the peer hangs up", async () => {
		expect((await failure(outboundFetch(`${a}/reset`, {}, { allowOrigins }))).code).toBe("outbound_failed");
	});
});
