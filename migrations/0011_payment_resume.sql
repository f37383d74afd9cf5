ALTER TABLE `payments` ADD `resume_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `payments` ADD `resume_error` text;