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
