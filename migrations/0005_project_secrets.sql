CREATE TABLE `project_secrets` (
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`project_id`, `name`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `projects` ADD `secrets_revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `disabled_at` integer;--> statement-breakpoint
ALTER TABLE `projects` ADD `disabled_reason` text;--> statement-breakpoint
CREATE INDEX `projects_disabled` ON `projects` (`disabled_at`) WHERE "projects"."disabled_at" IS NOT NULL;