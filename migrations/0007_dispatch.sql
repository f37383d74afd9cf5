CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`code` text,
	`kind` text NOT NULL,
	`contact` text NOT NULL,
	`address` text,
	`notes` text,
	`active` integer NOT NULL,
	`archived_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_name_ci` ON `companies` (lower("name"));--> statement-breakpoint
CREATE INDEX `companies_active` ON `companies` (`active`,`id`);--> statement-breakpoint
CREATE TABLE `dispatch_lines` (
	`dispatch_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`qty` integer NOT NULL,
	`returned_good` integer DEFAULT 0 NOT NULL,
	`returned_damaged` integer DEFAULT 0 NOT NULL,
	`consumed` integer DEFAULT 0 NOT NULL,
	`lost` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`dispatch_id`, `position`),
	FOREIGN KEY (`dispatch_id`) REFERENCES `dispatches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "dispatch_lines_accounted" CHECK("dispatch_lines"."qty" > 0 AND "dispatch_lines"."returned_good" >= 0 AND "dispatch_lines"."returned_damaged" >= 0 AND "dispatch_lines"."consumed" >= 0 AND "dispatch_lines"."lost" >= 0 AND "dispatch_lines"."returned_good" + "dispatch_lines"."returned_damaged" + "dispatch_lines"."consumed" + "dispatch_lines"."lost" <= "dispatch_lines"."qty")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dispatch_lines_product` ON `dispatch_lines` (`dispatch_id`,`product_id`);--> statement-breakpoint
CREATE TABLE `dispatch_returns` (
	`id` text PRIMARY KEY NOT NULL,
	`dispatch_id` text NOT NULL,
	`stock` text NOT NULL,
	`samples` text NOT NULL,
	`note` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`stock_applied_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`dispatch_id`) REFERENCES `dispatches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dispatch_returns_dispatch` ON `dispatch_returns` (`dispatch_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `dispatch_returns_pending` ON `dispatch_returns` (`stock_applied_at`);--> statement-breakpoint
CREATE TABLE `dispatch_samples` (
	`dispatch_id` text NOT NULL,
	`sample_id` text NOT NULL,
	`outcome` text,
	`return_id` text,
	`resolved_at` text,
	PRIMARY KEY(`dispatch_id`, `sample_id`),
	FOREIGN KEY (`dispatch_id`) REFERENCES `dispatches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sample_id`) REFERENCES `samples`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dispatch_samples_sample` ON `dispatch_samples` (`sample_id`);--> statement-breakpoint
CREATE TABLE `dispatches` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`year` integer NOT NULL,
	`sequence` integer NOT NULL,
	`company_id` text NOT NULL,
	`project_id` text,
	`location_id` text NOT NULL,
	`destination_name` text NOT NULL,
	`destination_address` text,
	`carrier` text,
	`tracking_number` text,
	`expected_return_at` text,
	`notes` text,
	`status` text NOT NULL,
	`dispatched_at` text,
	`closed_at` text,
	`cancelled_at` text,
	`sending_key` text,
	`sending_at` text,
	`overdue_event_id` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dispatches_number` ON `dispatches` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `dispatches_year_sequence` ON `dispatches` (`year`,`sequence`);--> statement-breakpoint
CREATE INDEX `dispatches_status_dispatched` ON `dispatches` (`status`,`dispatched_at`,`id`);--> statement-breakpoint
CREATE INDEX `dispatches_company` ON `dispatches` (`company_id`,`status`);--> statement-breakpoint
CREATE INDEX `dispatches_project` ON `dispatches` (`project_id`,`status`);--> statement-breakpoint
CREATE TABLE `drillholes` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`hole_id` text NOT NULL,
	`easting` real,
	`northing` real,
	`latitude` real,
	`longitude` real,
	`elevation` real,
	`azimuth` real,
	`dip` real,
	`planned_depth` real,
	`final_depth` real,
	`status` text NOT NULL,
	`started_on` text,
	`completed_on` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drillholes_project_hole` ON `drillholes` (`project_id`,`hole_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`status` text NOT NULL,
	`start_date` text,
	`end_date` text,
	`notes` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "projects_dates" CHECK("projects"."end_date" IS NULL OR "projects"."start_date" IS NULL OR "projects"."end_date" >= "projects"."start_date")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_company_code` ON `projects` (`company_id`,`code`);--> statement-breakpoint
CREATE INDEX `projects_status` ON `projects` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `samples` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`drillhole_id` text,
	`depth_from` real,
	`depth_to` real,
	`lot` text,
	`type` text NOT NULL,
	`weight_grams` real,
	`location_id` text,
	`status` text NOT NULL,
	`dispatch_id` text,
	`notes` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`drillhole_id`) REFERENCES `drillholes`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "samples_origin" CHECK(("samples"."drillhole_id" IS NOT NULL AND "samples"."depth_from" IS NOT NULL AND "samples"."depth_to" > "samples"."depth_from") OR ("samples"."drillhole_id" IS NULL AND "samples"."lot" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `samples_number` ON `samples` (`number`);--> statement-breakpoint
CREATE INDEX `samples_drillhole_depth` ON `samples` (`drillhole_id`,`depth_from`);--> statement-breakpoint
CREATE INDEX `samples_status` ON `samples` (`status`,`id`);--> statement-breakpoint
-- Intervals of one drillhole never overlap, whoever writes them and however concurrently.
CREATE TRIGGER samples_interval_insert BEFORE INSERT ON samples
WHEN NEW.drillhole_id IS NOT NULL AND EXISTS (
  SELECT 1 FROM samples s WHERE s.drillhole_id = NEW.drillhole_id
    AND s.depth_from < NEW.depth_to AND s.depth_to > NEW.depth_from
)
BEGIN SELECT RAISE(ABORT, 'sample_interval_overlap'); END;
--> statement-breakpoint
CREATE TRIGGER samples_interval_update BEFORE UPDATE OF drillhole_id, depth_from, depth_to ON samples
WHEN NEW.drillhole_id IS NOT NULL AND EXISTS (
  SELECT 1 FROM samples s WHERE s.drillhole_id = NEW.drillhole_id AND s.id <> NEW.id
    AND s.depth_from < NEW.depth_to AND s.depth_to > NEW.depth_from
)
BEGIN SELECT RAISE(ABORT, 'sample_interval_overlap'); END;
