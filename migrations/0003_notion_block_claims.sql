CREATE TABLE `notion_block_claims` (
	`route` text NOT NULL,
	`parent_id` text NOT NULL,
	`claim_id` text NOT NULL,
	`event_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`block_id` text,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`route`, `parent_id`)
);
