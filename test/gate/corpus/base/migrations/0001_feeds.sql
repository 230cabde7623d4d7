CREATE TABLE `feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`title` text,
	`owner` integer,
	`state` text DEFAULT 'active' NOT NULL CHECK (`state` IN ('active', 'paused', 'broken')),
	`priority` integer DEFAULT 3 NOT NULL CHECK (`priority` BETWEEN 1 AND 5),
	`fetched_at` integer,
	`added_at` integer DEFAULT (unixepoch()) NOT NULL
);
