/**
 * What an error or a status means, in words, for the console: the event log
 * keeps Notion's own answer ("Notion answered 404 object_not_found: …"); this
 * says what to do about it. Pure, so it is tested on its own (test/spa).
 */

const RULES: [RegExp, string][] = [
	[/NOTION_TOKEN is not set/, "NOTION_TOKEN is not set, so the Worker cannot call Notion. Set it, then replay."],
	[
		/answered 401\b/,
		"Notion refused the integration's token: check NOTION_TOKEN (the integration's secret), then replay.",
	],
	[/answered 403\b/, "The integration lacks a capability this needs (Read, Update or Insert content)."],
	[
		/answered 404\b|object_not_found/,
		"Notion cannot find the page or block, or it is not shared with the integration (page menu → Connections).",
	],
	[/answered 429\b/, "Notion rate-limited the integration. The queue tries again later."],
	[/answered 5\d\d\b/, "Notion failed on its side. The queue tries again later (30 s, 60 s, 120 s …)."],
	[/answered 409\b/, "Notion reported a conflict (an edit at the same moment). The queue tries again later."],
	[/timeout|did not answer in time/i, "Notion did not answer in time. The queue tries again later."],
	[
		/has no property|is a \w+ property, not text/,
		"The page lacks a property this route writes, or it has another type: fix the database or the route's options, then replay.",
	],
	[/answered 400\b/, "Notion refused what was sent (a property missing or of another type?)."],
	[
		/appending the .* block|keep writing the .* block/,
		"Another event is writing this page's block; this one runs again shortly.",
	],
	[/did not finish/, "The run stopped before it finished (the Worker was restarted); it runs again."],
	[/Not a public http\(s\) URL/, "The row's URL is not a public website, so no favicon was looked up."],
	[/D1_ERROR|Failed query/, "Kiln's database failed for a moment. The queue tries again later."],
];

/** A sentence saying what went wrong and what to do, or null when there is nothing to add. */
export function errorInWords(error: string | null): string | null {
	if (!error) return null;
	for (const [re, words] of RULES) if (re.test(error)) return words;
	return null;
}

/** A request's HTTP status, in a word or two. */
export function statusInWords(status: number | null): string {
	if (status === null) return "no answer";
	if (status >= 200 && status < 300) return "OK";
	if (status === 401) return "token refused";
	if (status === 403) return "not allowed";
	if (status === 404) return "not found";
	if (status === 409) return "conflict";
	if (status === 429) return "rate-limited";
	if (status >= 500) return "Notion failed";
	return "refused";
}
