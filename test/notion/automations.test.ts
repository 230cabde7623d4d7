// Point 1 of issue 5: each of the six automation routes, given a realistic
// payload, makes exactly the expected Notion calls (asserted on what the fake
// Notion API recorded), and a second identical run writes nothing new.
import { describe, expect, it } from "vitest";
import {
	automationBody,
	calloutText,
	currentPage,
	describeCalls,
	fake,
	post,
	prop,
	settled,
	sites,
	uuid,
	writes,
} from "./helpers";

async function run(path: string, body: unknown) {
	const res = await post(path, body);
	expect(res.status).toBe(202);
	const { event } = await res.json<{ event: string }>();
	return settled(event);
}

describe("/example/database/pages", () => {
	it("gives every row with a URL its site's favicon, and a second run only reads", async () => {
		const database = uuid();
		const ds = uuid();
		const rows = [uuid(), uuid(), uuid(), uuid()];
		const s = sites();
		const parent = { type: "data_source_id", data_source_id: ds, database_id: database };
		await fake.seed({
			databases: [{ id: database, data_sources: [{ id: ds, name: "Links" }] }],
			dataSources: [{ id: ds, database_id: database }],
			pages: [
				{ id: rows[0], parent, properties: { Name: prop.title("A"), Website: prop.url(`${s.icon}/`) } },
				{ id: rows[1], parent, properties: { Name: prop.title("B"), Website: prop.url(`${s.apple}/`) } },
				{ id: rows[2], parent, properties: { Name: prop.title("C"), Website: prop.url(null) } },
				{ id: rows[3], parent, properties: { Name: prop.title("D"), Website: prop.url(`${s.icon}/docs/page`) } },
			],
		});
		// The button sits on row 0; a database button sends the database as parent.
		const first = await run(
			"/example/database/pages",
			automationBody({ id: rows[0], parent: { type: "database_id", database_id: database } }),
		);
		expect(first.status).toBe("done");
		const calls = await fake.calls(database, ds, ...rows);
		expect(describeCalls(calls).sort()).toEqual(
			[
				`GET /v1/databases/${database}`,
				`POST /v1/data_sources/${ds}/query`,
				`PATCH /v1/pages/${rows[0]}`,
				`PATCH /v1/pages/${rows[1]}`,
				`PATCH /v1/pages/${rows[3]}`,
			].sort(),
		);
		expect((await currentPage(rows[0])).icon).toEqual({
			type: "external",
			external: { url: `${s.icon}/static/icon.png` },
		});
		expect((await currentPage(rows[1])).icon?.external.url).toBe(`${s.apple}/apple-180.png`);
		expect((await currentPage(rows[2])).icon).toBeNull();

		const second = await run("/example/database/pages", automationBody({ id: rows[0], parent }));
		expect(second.status).toBe("done");
		const after = (await fake.calls(database, ds, ...rows)).slice(calls.length);
		// With the data source in the parent, no database lookup; all icons already right.
		expect(describeCalls(after)).toEqual([`POST /v1/data_sources/${ds}/query`]);
	});
});

describe("/example/database/page", () => {
	it("sets the row's icon and fills its empty title from the site, then only reads", async () => {
		const row = uuid();
		const s = sites();
		await fake.seed({
			pages: [{ id: row, properties: { Name: prop.title(""), Link: prop.url(`${s.shortcut}/blog/`) } }],
		});
		const body = automationBody({
			id: row,
			properties: { Name: prop.title(""), Link: prop.url(`${s.shortcut}/blog/`) },
		});
		expect((await run("/example/database/page", body)).status).toBe("done");
		const calls = await fake.calls(row);
		expect(describeCalls(calls)).toEqual([`GET /v1/pages/${row}`, `PATCH /v1/pages/${row}`]);
		expect(calls[1].body).toEqual({
			icon: { type: "external", external: { url: `${s.shortcut}/blog/img/fav-32.png` } },
			properties: { Name: { title: [{ type: "text", text: { content: "Shortcut Site" } }] } },
		});

		// The button pressed again (a new delivery): the row is read fresh and left alone.
		expect(
			(await run("/example/database/page", automationBody({ id: row, properties: body.data.properties }))).status,
		).toBe("done");
		expect(describeCalls((await fake.calls(row)).slice(2))).toEqual([`GET /v1/pages/${row}`]);
	});

	it("keeps a title that is already there", async () => {
		const row = uuid();
		const s = sites();
		await fake.seed({ pages: [{ id: row, properties: { Name: prop.title("Mine"), Link: prop.url(`${s.ico}/`) } }] });
		await run("/example/database/page", automationBody({ id: row }));
		const calls = await fake.calls(row);
		expect(calls[1].body).toEqual({ icon: { type: "external", external: { url: `${s.ico}/favicon.ico` } } });
	});
});

describe("/example/callout", () => {
	it("creates the callout, leaves it when nothing changed, updates it in place when a property did", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Launch") } }] });
		const props = { Name: prop.title("Launch"), Status: prop.select("In progress"), Owner: prop.people("Ann") };
		await run("/example/callout", automationBody({ id: page, properties: props }));
		let calls = await fake.calls(page);
		expect(describeCalls(calls)).toEqual([`PATCH /v1/blocks/${page}/children`]);
		const callout = (await fake.state(page)).children[0];
		expect(callout.type).toBe("callout");
		expect(calloutText(callout)).toBe("Launch\nOwner: Ann\nStatus: In progress");

		await run("/example/callout", automationBody({ id: page, properties: props }));
		calls = await fake.calls(page, callout.id);
		expect(describeCalls(calls.slice(1))).toEqual([`GET /v1/blocks/${callout.id}`]);

		await run("/example/callout", automationBody({ id: page, properties: { ...props, Status: prop.select("Done") } }));
		calls = await fake.calls(page, callout.id);
		expect(describeCalls(calls.slice(2))).toEqual([`GET /v1/blocks/${callout.id}`, `PATCH /v1/blocks/${callout.id}`]);
		const state = await fake.state(page);
		expect(state.children).toHaveLength(1);
		expect(calloutText(state.children[0])).toContain("Status: Done");
	});

	it("re-creates a callout that was deleted (in the trash)", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("P") } }] });
		const body = () => automationBody({ id: page, properties: { Name: prop.title("P") } });
		await run("/example/callout", body());
		const first = (await fake.state(page)).children[0];
		await fake.trash(first.id);
		await run("/example/callout", body());
		const calls = await fake.calls(page, first.id);
		expect(describeCalls(calls.slice(1))).toEqual([`GET /v1/blocks/${first.id}`, `PATCH /v1/blocks/${page}/children`]);
		const visible = (await fake.state(page)).children.filter((b) => !b.in_trash);
		expect(visible).toHaveLength(1);
		expect(visible[0].id).not.toBe(first.id);
	});
});

describe("/example/guest/welcome", () => {
	it("welcomes the guest named in a people property, once", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Room 4") } }] });
		const props = { Name: prop.title("Room 4"), Guest: prop.people("Grace Hopper") };
		await run("/example/guest/welcome", automationBody({ id: page, properties: props }));
		await run("/example/guest/welcome", automationBody({ id: page, properties: props }));
		const kids = (await fake.state(page)).children;
		expect(kids).toHaveLength(1);
		expect(calloutText(kids[0])).toBe(
			"Welcome, Grace Hopper! We're glad you're here. Everything you need is on this page.",
		);
		expect(kids[0].callout?.rich_text[1].annotations.bold).toBe(true);
		expect(describeCalls(await fake.calls(page, kids[0].id))).toEqual([
			`PATCH /v1/blocks/${page}/children`,
			`GET /v1/blocks/${kids[0].id}`,
		]);
	});

	it("updates the same welcome in place when the guest changes", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Room 5") } }] });
		await run("/example/guest/welcome", automationBody({ id: page, properties: { Guest: prop.people("Ann") } }));
		const block = (await fake.state(page)).children[0];
		await run("/example/guest/welcome", automationBody({ id: page, properties: { Guest: prop.people("Bea") } }));
		expect(describeCalls((await fake.calls(page, block.id)).slice(1))).toEqual([
			`GET /v1/blocks/${block.id}`,
			`PATCH /v1/blocks/${block.id}`,
		]);
		const kids = (await fake.state(page)).children;
		expect(kids).toHaveLength(1);
		expect(kids[0].callout?.rich_text[1].plain_text).toBe("Bea");
	});

	it("falls back to the title, and ?property= picks the property", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("Ada") } }] });
		await run(
			"/example/guest/welcome?property=Host",
			automationBody({ id: page, properties: { Name: prop.title("Ada"), Host: prop.text("Linus") } }),
		);
		const kids = (await fake.state(page)).children;
		expect(kids[0].callout?.rich_text[1].plain_text).toBe("Linus");
		const other = uuid();
		await fake.seed({ pages: [{ id: other, properties: { Name: prop.title("Ada") } }] });
		await run("/example/guest/welcome", automationBody({ id: other, properties: { Name: prop.title("Ada") } }));
		expect((await fake.state(other)).children[0].callout?.rich_text[1].plain_text).toBe("Ada");
	});
});

describe("/property/injections", () => {
	it("writes the payload's values as JSON and a summary in one request; the next delivery writes nothing", async () => {
		const page = uuid();
		const props = {
			Name: prop.title("Widget"),
			Price: prop.number(12.5),
			Tags: { type: "multi_select", multi_select: [{ name: "a" }, { name: "b" }] },
			Done: prop.checkbox(false),
			JSON: prop.text(""),
			Summary: prop.text(""),
		};
		await fake.seed({ pages: [{ id: page, properties: props }] });
		await run("/property/injections?summary=Summary", automationBody({ id: page, properties: props }));
		const calls = await fake.calls(page);
		expect(describeCalls(calls)).toEqual([`PATCH /v1/pages/${page}`]);
		const json = '{"Done":false,"Name":"Widget","Price":12.5,"Tags":["a","b"]}';
		expect(calls[0].body).toEqual({
			properties: {
				JSON: { rich_text: [{ type: "text", text: { content: json } }] },
				Summary: {
					rich_text: [{ type: "text", text: { content: "Done: false · Name: Widget · Price: 12.5 · Tags: a, b" } }],
				},
			},
		});
		// Notion's next delivery carries the page as it now is.
		const now = await currentPage(page);
		await run("/property/injections?summary=Summary", automationBody({ id: page, properties: now.properties }));
		expect(await fake.calls(page)).toHaveLength(1);
	});

	it("reads the page when the payload lacks the target property", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("X"), JSON: prop.text("") } }] });
		const e = await run("/property/injections", automationBody({ id: page, properties: { Name: prop.title("X") } }));
		expect(e.status).toBe("done");
		expect(describeCalls(await fake.calls(page))).toEqual([`GET /v1/pages/${page}`, `PATCH /v1/pages/${page}`]);
	});

	it("fails the event, without retrying, when the target property does not exist", async () => {
		const page = uuid();
		await fake.seed({ pages: [{ id: page, properties: { Name: prop.title("X") } }] });
		const e = await run("/property/injections", automationBody({ id: page, properties: { Name: prop.title("X") } }));
		expect(e.status).toBe("failed");
		expect(e.lastError).toContain('no property "JSON"');
		expect(describeCalls(await fake.calls(page))).toEqual([`GET /v1/pages/${page}`]);
	});
});

describe("/example/child_pages", () => {
	it("keeps one index of the child pages; unchanged set → one read; a new child page → one update", async () => {
		const page = uuid();
		const kids = [uuid(), uuid()];
		await fake.seed({
			pages: [
				{ id: page, properties: { title: prop.title("Handbook") } },
				...kids.map((id, i) => ({ id, properties: { title: prop.title(`Chapter ${i + 1}`) } })),
			],
			blocks: [
				{
					id: uuid(),
					parent: { type: "page_id", page_id: page },
					type: "paragraph",
					paragraph: { rich_text: [{ type: "text", text: { content: "Intro" } }] },
				},
				...kids.map((id, i) => ({
					id,
					parent: { type: "page_id", page_id: page },
					type: "child_page",
					child_page: { title: `Chapter ${i + 1}` },
				})),
			],
		});
		await run("/example/child_pages", automationBody({ id: page }));
		expect(describeCalls(await fake.calls(page))).toEqual([
			`GET /v1/blocks/${page}/children`,
			`PATCH /v1/blocks/${page}/children`,
		]);
		const index = (await fake.state(page)).children.find((b) => b.type === "callout");
		expect(calloutText(index)).toBe("2 child pages: Chapter 1, Chapter 2");
		expect(index?.callout?.rich_text[1].mention?.page?.id).toBe(kids[0]);

		await run("/example/child_pages", automationBody({ id: page }));
		expect(describeCalls((await fake.calls(page)).slice(2))).toEqual([`GET /v1/blocks/${page}/children`]);

		const third = uuid();
		await fake.seed({
			pages: [{ id: third, properties: { title: prop.title("Chapter 3") } }],
			blocks: [
				{
					id: third,
					parent: { type: "page_id", page_id: page },
					type: "child_page",
					child_page: { title: "Chapter 3" },
				},
			],
		});
		await run("/example/child_pages", automationBody({ id: page }));
		const calls = await fake.calls(page, String(index?.id));
		expect(describeCalls(calls.slice(3))).toEqual([`GET /v1/blocks/${page}/children`, `PATCH /v1/blocks/${index?.id}`]);
		const updated = (await fake.state(page)).children.find((b) => b.type === "callout");
		expect(calloutText(updated)).toBe("3 child pages: Chapter 1, Chapter 2, Chapter 3");
		expect(writes(calls)).toHaveLength(2);
	});
	it("appends a new index when the old one was deleted", async () => {
		const page = uuid();
		const kid = uuid();
		await fake.seed({
			pages: [
				{ id: page, properties: { title: prop.title("P") } },
				{ id: kid, properties: { title: prop.title("Only") } },
			],
			blocks: [
				{ id: kid, parent: { type: "page_id", page_id: page }, type: "child_page", child_page: { title: "Only" } },
			],
		});
		await run("/example/child_pages", automationBody({ id: page }));
		const first = (await fake.state(page)).children.find((b) => b.type === "callout");
		await fake.trash(String(first?.id));
		await run("/example/child_pages", automationBody({ id: page }));
		// The trashed index is not among the children read: no extra request to learn it is gone.
		expect(describeCalls((await fake.calls(page)).slice(2))).toEqual([
			`GET /v1/blocks/${page}/children`,
			`PATCH /v1/blocks/${page}/children`,
		]);
		const visible = (await fake.state(page)).children.filter((b) => b.type === "callout" && !b.in_trash);
		expect(visible).toHaveLength(1);
		expect(calloutText(visible[0])).toBe("1 child page: Only");
	});
});
