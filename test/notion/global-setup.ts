// globalSetup of the notion project: the fake Notion API and the fake sites run
// in Node for the whole run; the Worker (in workerd) reaches them over HTTP on
// 127.0.0.1 through the same settings a user would set.
import type { TestProject } from "vitest/node";
import { startFakeNotion } from "../fakes/notion.ts";
import { startFakeSites } from "../fakes/sites.ts";

declare module "vitest" {
	export interface ProvidedContext {
		notionFakeUrl: string;
		sites: string;
	}
}

export default async function setup(project: TestProject) {
	const notion = await startFakeNotion();
	const sites = await startFakeSites();
	project.provide("notionFakeUrl", notion.url);
	project.provide("sites", JSON.stringify(sites.origins));
	return async () => {
		await notion.close();
		await sites.close();
	};
}
