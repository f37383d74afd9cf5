CREATE TABLE `daily_dispatches` (
	`day` text NOT NULL,
	`company_id` text NOT NULL,
	`project_id` text NOT NULL,
	`dispatches` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`units_dispatched` integer DEFAULT 0 NOT NULL,
	`samples_dispatched` integer DEFAULT 0 NOT NULL,
	`units_returned_good` integer DEFAULT 0 NOT NULL,
	`units_returned_damaged` integer DEFAULT 0 NOT NULL,
	`units_consumed` integer DEFAULT 0 NOT NULL,
	`units_lost` integer DEFAULT 0 NOT NULL,
	`samples_returned` integer DEFAULT 0 NOT NULL,
	`samples_consumed` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`turnaround_seconds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `company_id`, `project_id`)
);
--> statement-breakpoint
CREATE TABLE `daily_location_movements` (
	`day` text NOT NULL,
	`location_id` text NOT NULL,
	`reason` text NOT NULL,
	`movements` integer DEFAULT 0 NOT NULL,
	`units_in` integer DEFAULT 0 NOT NULL,
	`units_out` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `location_id`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `daily_stock_movements` (
	`day` text NOT NULL,
	`product_id` text NOT NULL,
	`location_id` text NOT NULL,
	`reason` text NOT NULL,
	`movements` integer DEFAULT 0 NOT NULL,
	`units_in` integer DEFAULT 0 NOT NULL,
	`units_out` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `product_id`, `location_id`, `reason`)
);
--> statement-breakpoint
CREATE INDEX `daily_stock_movements_product` ON `daily_stock_movements` (`product_id`,`day`);--> statement-breakpoint
CREATE INDEX `dispatch_lines_by_product` ON `dispatch_lines` (`product_id`,`dispatch_id`);