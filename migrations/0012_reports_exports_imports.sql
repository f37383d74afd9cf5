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
CREATE INDEX `export_jobs_expires` ON `export_jobs` (`status`,`expires_at`);--> statement-breakpoint
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
CREATE INDEX `import_jobs_status_updated` ON `import_jobs` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `daily_product_sales` (
	`day` text NOT NULL,
	`product_id` text NOT NULL,
	`currency` text NOT NULL,
	`units_sold` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`units_refunded` integer DEFAULT 0 NOT NULL,
	`refund_amount` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `product_id`, `currency`)
);
--> statement-breakpoint
CREATE TABLE `daily_sales` (
	`day` text NOT NULL,
	`currency` text NOT NULL,
	`orders_created` integer DEFAULT 0 NOT NULL,
	`orders_paid` integer DEFAULT 0 NOT NULL,
	`orders_cancelled` integer DEFAULT 0 NOT NULL,
	`gross_sales` integer DEFAULT 0 NOT NULL,
	`refunds` integer DEFAULT 0 NOT NULL,
	`units_sold` integer DEFAULT 0 NOT NULL,
	`units_refunded` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `currency`)
);
--> statement-breakpoint
ALTER TABLE `products` ADD `unit_cost` integer;