/** The Notion console's pure helpers (src/spa/console/model.ts, words.ts). */
import { describe, expect, it } from "vitest";
import type { EventSummaryJson } from "../../src/shared/notion-console";
import { mergeEvents, pageIdFrom, routeUrl } from "../../src/spa/console/model";
import { errorInWords, statusInWords } from "../../src/spa/console/words";

const event = (id: string, status: EventSummaryJson["status"], updatedAt: string): EventSummaryJson => ({
	id,
	source: "automation",
	route: "/example/callout",
	type: null,
	status,
	attempts: 1,
	lastError: null,
	createdAt: "2026-11-30T10:00:00.000Z",
	updatedAt,
});

describe("mergeEvents", () => {
	it("adds new events and takes an event's newer state, never an older one", () => {
		const t0 = mergeEvents(new Map(), [event("a", "failed", "2026-11-30T10:00:01.000Z")]);
		const t1 = mergeEvents(t0, [
			event("a", "done", "2026-11-30T10:00:05.000Z"),
			event("b", "pending", "2026-11-30T10:00:06.000Z"),
		]);
		expect([...t1.values()].map((e) => [e.id, e.status])).toEqual([
			["a", "done"],
			["b", "pending"],
		]);
		// A late answer of an older poll does not undo the newer state.
		const t2 = mergeEvents(t1, [event("a", "running", "2026-11-30T10:00:03.000Z")]);
		expect(t2.get("a")?.status).toBe("done");
		expect(t0.get("a")?.status).toBe("failed"); // the old table is left as it was
	});
});

describe("routeUrl", () => {
	it("is this Kiln's origin under /notion, with the options that are set", () => {
		expect(routeUrl("https://kiln.example.com", "/example/callout", {})).toBe(
			"https://kiln.example.com/notion/example/callout",
		);
		expect(routeUrl("http://localhost:8787", "/property/injections", { json: "Out", summary: " " })).toBe(
			"http://localhost:8787/notion/property/injections?json=Out",
		);
		expect(routeUrl("http://localhost:8787", "/example/database/pages", { property: "Web site" })).toBe(
			"http://localhost:8787/notion/example/database/pages?property=Web+site",
		);
	});
});

describe("pageIdFrom", () => {
	it("takes a page id out of a pasted id or Notion link", () => {
		const id = "1f2e3d4c5b6a49788796a5b4c3d2e1f0";
		expect(pageIdFrom(id)).toBe(id);
		expect(pageIdFrom(` ${id} `)).toBe(id);
		expect(pageIdFrom("1f2e3d4c-5b6a-4978-8796-a5b4c3d2e1f0")).toBe("1f2e3d4c-5b6a-4978-8796-a5b4c3d2e1f0");
		expect(pageIdFrom(`https://www.notion.so/acme/Cafe-Deadbeef-Plan-${id}?pvs=4`)).toBe(id);
		expect(pageIdFrom("1f2e3d4c")).toBe("1f2e3d4c"); // half typed: left as it is
	});
});

describe("errorInWords", () => {
	it("says what Notion's answers mean and what to do", () => {
		expect(errorInWords(null)).toBeNull();
		expect(errorInWords("Notion answered 401 unauthorized: API token is invalid.")).toMatch(/NOTION_TOKEN/);
		expect(errorInWords("Notion answered 404 object_not_found: Could not find page")).toMatch(/Connections/);
		expect(errorInWords("Notion answered 503 service_unavailable: x")).toMatch(/tries again later/);
		expect(errorInWords("NotionTimeoutError: Notion did not answer in time (timeout).")).toMatch(/in time/);
		expect(errorInWords('PermanentError: The page has no property "JSON".')).toMatch(/lacks a property/);
		expect(errorInWords("Notion answered 400 validation_error: x is not a property")).toMatch(/refused what was sent/);
		expect(errorInWords("something nobody foresaw")).toBeNull();
	});

	it("names a status in a word or two", () => {
		expect([200, 400, 401, 404, 409, 429, 502, null].map(statusInWords)).toEqual([
			"OK",
			"refused",
			"token refused",
			"not found",
			"conflict",
			"rate-limited",
			"Notion failed",
			"no answer",
		]);
	});
});
