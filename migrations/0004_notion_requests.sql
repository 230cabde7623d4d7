CREATE TABLE `notion_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notion_requests_event` ON `notion_requests` (`event_id`);--> statement-breakpoint
CREATE INDEX `notion_events_updated` ON `notion_events` (`updated_at`);