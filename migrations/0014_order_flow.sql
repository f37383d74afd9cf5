DROP INDEX `orders_status_expires`;--> statement-breakpoint
ALTER TABLE `orders` ADD `flow_started_at` text;--> statement-breakpoint
CREATE INDEX `orders_flow_unstarted` ON `orders` (`status`,`flow_started_at`,`created_at`);--> statement-breakpoint
ALTER TABLE `payments` DROP COLUMN `resume_attempts`;--> statement-breakpoint
ALTER TABLE `payments` DROP COLUMN `resume_error`;