CREATE TABLE `export_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`format` text NOT NULL,
	`filters` text NOT NULL,
	`status` text NOT NULL,
	`rows_done` integer DEFAULT 0 NOT NULL,
	`rows_total` integer,
	`bytes` integer DEFAULT 0 NOT NULL,
	`file_key` text NOT NULL,
	`upload_id` text,
	`parts` text NOT NULL,
	`cursor` text,
	`carry` text DEFAULT '' NOT NULL,
	`error` text,
	`requested_by_type` text NOT NULL,
	`requested_by_id` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`started_at` text,
	`completed_at` text,
	`expires_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `export_jobs_type` ON `export_jobs` (`type`,`id`);--> statement-breakpoint
CREATE INDEX `export_jobs_status_updated` ON `export_jobs` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `export_jobs_expires` ON `export_jobs` (`status`,`expires_at`);