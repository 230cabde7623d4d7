/** The SPA's routes (src/spa/lib/router.ts): what each path means, and the paths it builds. */
import { describe, expect, it } from "vitest";
import { parseRoute, projectPath } from "../../src/spa/lib/router";

describe("parseRoute", () => {
	it("reads the home page, a project, and a version of it", () => {
		expect(parseRoute("/")).toEqual({ name: "home" });
		expect(parseRoute("")).toEqual({ name: "home" });
		expect(parseRoute("/projects/abc123")).toEqual({ name: "project", project: "abc123", version: null });
		expect(parseRoute("/projects/abc123/")).toEqual({ name: "project", project: "abc123", version: null });
		expect(parseRoute("/projects/abc123/v/12")).toEqual({ name: "project", project: "abc123", version: 12 });
	});

	it("reads the Notion console's page, outside the gateway's /notion/*", () => {
		expect(parseRoute("/console/notion")).toEqual({ name: "notion-console" });
		expect(parseRoute("/console/notion/")).toEqual({ name: "notion-console" });
		for (const path of ["/console", "/notion", "/console/notion/x", "/console/codegen"]) {
			expect(parseRoute(path), path).toEqual({ name: "not-found", path });
		}
	});

	it("calls anything malformed not-found rather than guessing", () => {
		for (const path of [
			"/projects",
			"/projects/AB", // too short, upper case
			"/projects/abc/v/0",
			"/projects/abc/v/01",
			"/projects/abc/v/1e3",
			"/projects/abc/v/12345678",
			"/projects/abc/v/",
			"/projects/abc/versions/2",
			"/projects/abc/v/2/extra",
			"/p/abc",
		]) {
			expect(parseRoute(path), path).toEqual({ name: "not-found", path });
		}
	});
});

describe("projectPath", () => {
	it("builds the paths parseRoute reads", () => {
		expect(projectPath("abc123")).toBe("/projects/abc123");
		expect(projectPath("abc123", null)).toBe("/projects/abc123");
		expect(projectPath("abc123", 3)).toBe("/projects/abc123/v/3");
		expect(parseRoute(projectPath("abc123", 3))).toEqual({ name: "project", project: "abc123", version: 3 });
	});
});
