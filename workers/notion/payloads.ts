/**
 * What Notion sends: the body of an automation's "Send webhook" action (the
 * page under `data`) and the envelope of an integration event. Checked on
 * receipt (a mismatch is a 400 and nothing is recorded) and again when a
 * recorded event runs.
 */
import { z } from "zod";
import type { Properties } from "./api/values";

/** A Notion id: a UUID, with or without dashes. */
export const notionId = z
	.string()
	.regex(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i, "must be a Notion id (a UUID)");

const parent = z.looseObject({
	type: z.string(),
	database_id: notionId.optional(),
	data_source_id: notionId.optional(),
	page_id: notionId.optional(),
});

/** The body of a "Send webhook" action (unknown fields are kept, not rejected). */
export const automationPayload = z.looseObject({
	source: z
		.looseObject({
			type: z.string().optional(),
			event_id: z.string().min(1).max(200).optional(),
			automation_id: z.string().optional(),
			action_id: z.string().optional(),
			attempt: z.number().int().optional(),
		})
		.optional(),
	data: z.looseObject({
		object: z.literal("page").optional(),
		id: notionId,
		parent: parent.optional(),
		properties: z.record(z.string(), z.looseObject({ type: z.string() })).optional(),
		in_trash: z.boolean().optional(),
		archived: z.boolean().optional(),
	}),
});
export type AutomationPayload = z.infer<typeof automationPayload> & {
	data: { properties?: Properties };
};

/** The envelope of an integration event (its `data` varies by type). */
export const integrationEvent = z.looseObject({
	id: z.string().min(1).max(200),
	type: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/, "must be an event type like page.created"),
	timestamp: z.string().optional(),
	workspace_id: z.string().optional(),
	integration_id: z.string().optional(),
	attempt_number: z.number().int().optional(),
	authors: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
	entity: z.looseObject({ id: notionId, type: z.string() }),
	data: z.looseObject({}).optional(),
});
export type IntegrationEvent = z.infer<typeof integrationEvent>;
