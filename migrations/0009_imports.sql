CREATE TABLE `import_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`file_key` text NOT NULL,
	`file_name` text,
	`bytes` integer NOT NULL,
	`rows_total` integer NOT NULL,
	`rows_valid` integer NOT NULL,
	`error_count` integer NOT NULL,
	`errors` text NOT NULL,
	`errors_key` text,
	`rows_done` integer DEFAULT 0 NOT NULL,
	`rows_created` integer DEFAULT 0 NOT NULL,
	`rows_updated` integer DEFAULT 0 NOT NULL,
	`error` text,
	`requested_by_type` text NOT NULL,
	`requested_by_id` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`confirmed_at` text,
	`completed_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `import_jobs_type` ON `import_jobs` (`type`,`id`);--> statement-breakpoint
CREATE INDEX `import_jobs_status_updated` ON `import_jobs` (`status`,`updated_at`);