CREATE TABLE `stock_levels` (
	`product_id` text PRIMARY KEY NOT NULL,
	`on_hand` integer NOT NULL,
	`reserved` integer NOT NULL,
	`available` integer NOT NULL,
	`version` integer NOT NULL,
	`low_stock_threshold` integer,
	`is_low` integer NOT NULL,
	`updated_at` text NOT NULL,
	`projected_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_levels_low` ON `stock_levels` (`is_low`,`product_id`);--> statement-breakpoint
CREATE INDEX `stock_levels_available` ON `stock_levels` (`available`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`seq` integer NOT NULL,
	`reason` text NOT NULL,
	`delta_on_hand` integer NOT NULL,
	`delta_reserved` integer NOT NULL,
	`on_hand` integer NOT NULL,
	`reserved` integer NOT NULL,
	`version` integer NOT NULL,
	`reservation_id` text,
	`reference` text,
	`note` text,
	`actor` text,
	`created_at` text NOT NULL,
	`projected_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_movements_product_seq` ON `stock_movements` (`product_id`,`seq`);--> statement-breakpoint
CREATE INDEX `stock_movements_created` ON `stock_movements` (`created_at`);--> statement-breakpoint
CREATE INDEX `stock_movements_reason` ON `stock_movements` (`reason`,`created_at`);