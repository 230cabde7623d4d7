CREATE TABLE `notion_pending_verification` (
	`slot` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`received_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
