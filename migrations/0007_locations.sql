CREATE TABLE `stock_location_levels` (
	`product_id` text NOT NULL,
	`location_id` text NOT NULL,
	`on_hand` integer NOT NULL,
	`reserved` integer NOT NULL,
	`damaged` integer DEFAULT 0 NOT NULL,
	`quarantine` integer DEFAULT 0 NOT NULL,
	`safety_stock` integer DEFAULT 0 NOT NULL,
	`incoming` integer DEFAULT 0 NOT NULL,
	`out` integer DEFAULT 0 NOT NULL,
	`available` integer NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL,
	`projected_at` text NOT NULL,
	PRIMARY KEY(`product_id`, `location_id`)
);
--> statement-breakpoint
CREATE INDEX `stock_location_levels_location` ON `stock_location_levels` (`location_id`,`product_id`);--> statement-breakpoint
CREATE TABLE `locations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`address` text,
	`fulfils_orders` integer NOT NULL,
	`priority` integer NOT NULL,
	`active` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "locations_priority_non_negative" CHECK("locations"."priority" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_code` ON `locations` (`code`);--> statement-breakpoint
CREATE INDEX `locations_allocation` ON `locations` (`fulfils_orders`,`active`,`priority`);--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `damaged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `quarantine` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `safety_stock` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `incoming` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `out` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `location_id` text DEFAULT 'loc_00000000000000000000000000' NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `operation_id` text;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `delta_damaged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `delta_quarantine` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `delta_incoming` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `delta_out` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `damaged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `quarantine` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `incoming` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `out` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `stock_movements_location` ON `stock_movements` (`location_id`,`created_at`);--> statement-breakpoint
-- The default location: all stock that existed before locations lives here.
INSERT INTO `locations` (`id`, `name`, `code`, `kind`, `address`, `fulfils_orders`, `priority`, `active`, `version`, `created_at`, `updated_at`)
VALUES ('loc_00000000000000000000000000', 'Main warehouse', 'MAIN', 'warehouse', NULL, 1, 0, 1, 1,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
--> statement-breakpoint
INSERT INTO `stock_location_levels` (`product_id`, `location_id`, `on_hand`, `reserved`, `available`, `version`, `updated_at`, `projected_at`)
SELECT `product_id`, 'loc_00000000000000000000000000', `on_hand`, `reserved`, `available`, `version`, `updated_at`, `projected_at` FROM `stock_levels`;
--> statement-breakpoint
UPDATE `stock_movements` SET `operation_id` = `id` WHERE `operation_id` IS NULL;
