CREATE TABLE `app_data` (
	`project_id` text NOT NULL,
	`collection` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`project_id`, `collection`, `key`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `favicon_cache` (
	`origin` text PRIMARY KEY NOT NULL,
	`icon_url` text,
	`title` text,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notion_block_state` (
	`route` text NOT NULL,
	`parent_id` text NOT NULL,
	`block_id` text NOT NULL,
	`content_hash` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`route`, `parent_id`)
);
--> statement-breakpoint
CREATE TABLE `notion_events` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`route` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notion_events_created` ON `notion_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`edit_token_hash` text NOT NULL,
	`remixed_from_project` text,
	`remixed_from_version` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`remixed_from_project`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`number` integer NOT NULL,
	`parent_number` integer,
	`prompt` text NOT NULL,
	`code` text NOT NULL,
	`content_hash` text NOT NULL,
	`provider` text DEFAULT '' NOT NULL,
	`model` text DEFAULT '' NOT NULL,
	`stats` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `versions_project_number` ON `versions` (`project_id`,`number`);