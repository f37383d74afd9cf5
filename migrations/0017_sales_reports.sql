CREATE TABLE `customer_first_paid` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_first_paid_day` ON `customer_first_paid` (`day`);--> statement-breakpoint
CREATE TABLE `daily_customer_sales` (
	`day` text NOT NULL,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`orders_paid` integer DEFAULT 0 NOT NULL,
	`gross_sales` integer DEFAULT 0 NOT NULL,
	`refunds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `customer_id`, `currency`)
);
--> statement-breakpoint
CREATE TABLE `daily_fulfilment` (
	`day` text NOT NULL,
	`currency` text NOT NULL,
	`orders_fulfilled` integer DEFAULT 0 NOT NULL,
	`fulfilment_seconds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `currency`)
);
--> statement-breakpoint
CREATE TABLE `daily_order_status` (
	`day` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `currency`, `status`)
);
--> statement-breakpoint
CREATE TABLE `order_status_totals` (
	`status` text PRIMARY KEY NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Counting needs no time zone: the totals start from the orders as they stand (the daily rollups come from `npm run reports:backfill`).
INSERT INTO `order_status_totals` (`status`, `orders`) SELECT `status`, count(*) FROM `orders` GROUP BY `status`;
