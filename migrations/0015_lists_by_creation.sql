DROP INDEX `export_jobs_type`;--> statement-breakpoint
CREATE INDEX `export_jobs_type` ON `export_jobs` (`type`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `transfers_created` ON `transfers` (`created_at`,`id`);