/**
 * `/_kiln/db.js`: the data-store client generated apps load with
 * `<script src="/_kiln/db.js"></script>`. On a project's own origin it talks to
 * `/_kiln/data`; when the app is served sandboxed under `/p/<project>` (no
 * project origins), to `/api/projects/<project>/data` on Kiln's origin, which
 * then answers with CORS because a sandboxed page has an opaque origin.
 */
export const DATA_CLIENT_JS = `(() => {
  "use strict";
  const m = /^\\/p\\/([a-z0-9]{3,32})(?:\\/|$)/.exec(location.pathname);
  const base = m ? "/api/projects/" + m[1] + "/data" : "/_kiln/data";
  const url = (collection, key) =>
    base + "/" + encodeURIComponent(collection) + (key === undefined ? "" : "/" + encodeURIComponent(key));
  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 404 && method === "GET") return null;
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error((data && data.error && data.error.message) || "kiln.db: " + method + " answered " + res.status);
      err.code = data && data.error && data.error.code;
      err.status = res.status;
      throw err;
    }
    return data;
  }
  let seq = 0;
  const db = {
    /** Every document of a collection, in key order: [{ key, value, updatedAt }]. */
    async list(collection) {
      const out = [];
      let after = null;
      do {
        const page = await call("GET", url(collection) + "?limit=1000" + (after === null ? "" : "&after=" + encodeURIComponent(after)));
        if (!page) break;
        out.push(...page.documents);
        after = page.next;
      } while (after !== null);
      return out;
    },
    /** One document's value, or null. */
    async get(collection, key) {
      const doc = await call("GET", url(collection, key));
      return doc ? doc.value : null;
    },
    /** Stores any JSON value (at most 64 KiB) under a key. */
    async put(collection, key, value) {
      await call("PUT", url(collection, key), value === undefined ? null : value);
      return value;
    },
    async delete(collection, key) {
      const res = await fetch(url(collection, key), { method: "DELETE" });
      if (!res.ok && res.status !== 404) throw new Error("kiln.db: DELETE answered " + res.status);
    },
  };
  /** A new key that sorts after every key made before it. */
  const id = () =>
    Date.now().toString(36).padStart(9, "0") + (seq++ % 1296).toString(36).padStart(2, "0") + Math.random().toString(36).slice(2, 8);
  window.kiln = Object.freeze({ db: Object.freeze(db), id });
})();
`;

/** The data-store client as served at /_kiln/db.js (on Kiln's origin and on each project's). */
export function dataClient(): Response {
	return new Response(DATA_CLIENT_JS, {
		headers: {
			"Content-Type": "text/javascript; charset=utf-8",
			"Cache-Control": "public, max-age=300",
			"X-Content-Type-Options": "nosniff",
		},
	});
}
