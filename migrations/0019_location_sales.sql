CREATE TABLE `daily_location_sales` (
	`day` text NOT NULL,
	`location_id` text NOT NULL,
	`currency` text NOT NULL,
	`units_sold` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`units_refunded` integer DEFAULT 0 NOT NULL,
	`refund_amount` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `location_id`, `currency`)
);
