/**
 * Edit tokens where localStorage is refused (a browser with storage disabled,
 * or a full quota): the token of an app made on this page must still be there
 * for its follow-ups, or the maker's own app shows as someone else's.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const refusing = {
	getItem: () => {
		throw new DOMException("The operation is insecure.", "SecurityError");
	},
	setItem: () => {
		throw new DOMException("The operation is insecure.", "SecurityError");
	},
};

afterEach(() => {
	vi.unstubAllGlobals();
	vi.resetModules();
});

describe("edit tokens", () => {
	it("are kept for the page's life when storage is refused", async () => {
		vi.stubGlobal("localStorage", refusing);
		const { getEditToken, saveEditToken } = await import("../../src/spa/lib/edit-tokens");
		expect(getEditToken("p1")).toBeNull();
		saveEditToken("p1", "kiln_token-1");
		expect(getEditToken("p1")).toBe("kiln_token-1");
		expect(getEditToken("p2")).toBeNull();
	});

	it("come from storage when it works (what another tab or a reload sees)", async () => {
		const data = new Map<string, string>();
		vi.stubGlobal("localStorage", {
			getItem: (k: string) => data.get(k) ?? null,
			setItem: (k: string, v: string) => data.set(k, v),
		});
		const { getEditToken, saveEditToken } = await import("../../src/spa/lib/edit-tokens");
		saveEditToken("p1", "kiln_token-1");
		expect(data.get("kiln:edit-token:p1")).toBe("kiln_token-1");
		data.set("kiln:edit-token:p1", "kiln_token-2");
		expect(getEditToken("p1")).toBe("kiln_token-2");
	});
});
