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
CREATE TABLE `transfer_lines` (
	`transfer_id` text NOT NULL,
	`product_id` text NOT NULL,
	`position` integer NOT NULL,
	`qty` integer NOT NULL,
	`shipped` integer DEFAULT 0 NOT NULL,
	`received` integer DEFAULT 0 NOT NULL,
	`lost` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`transfer_id`, `product_id`),
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "transfer_lines_bounded" CHECK("transfer_lines"."qty" > 0 AND "transfer_lines"."shipped" <= "transfer_lines"."qty" AND "transfer_lines"."received" + "transfer_lines"."lost" <= "transfer_lines"."shipped")
);
--> statement-breakpoint
CREATE INDEX `transfer_lines_product` ON `transfer_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`from_location_id` text NOT NULL,
	`to_location_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`created_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`shipped_at` text,
	`received_at` text,
	`cancelled_at` text,
	CONSTRAINT "transfers_two_places" CHECK("transfers"."from_location_id" <> "transfers"."to_location_id")
);
--> statement-breakpoint
CREATE INDEX `transfers_status` ON `transfers` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `transfers_from` ON `transfers` (`from_location_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `transfers_to` ON `transfers` (`to_location_id`,`created_at`);--> statement-breakpoint
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
ALTER TABLE `order_lines` ADD `allocations` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `fulfilled` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- The default location: all stock that existed before locations lives here.
INSERT INTO `locations` (`id`, `name`, `code`, `kind`, `address`, `fulfils_orders`, `priority`, `active`, `version`, `created_at`, `updated_at`)
VALUES ('loc_00000000000000000000000000', 'Main warehouse', 'MAIN', 'warehouse', NULL, 1, 0, 1, 1,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
--> statement-breakpoint
INSERT INTO `stock_location_levels` (`product_id`, `location_id`, `on_hand`, `reserved`, `available`, `version`, `updated_at`, `projected_at`)
SELECT `product_id`, 'loc_00000000000000000000000000', `on_hand`, `reserved`, `available`, `version`, `updated_at`, `projected_at` FROM `stock_levels`;
--> statement-breakpoint
UPDATE `stock_movements` SET `operation_id` = `id` WHERE `operation_id` IS NULL;
--> statement-breakpoint
-- Lines of orders placed before locations were held, and sold, at the default location.
UPDATE `order_lines` SET `allocations` = json_array(json_object('location_id', 'loc_00000000000000000000000000', 'qty', `qty`));
--> statement-breakpoint
UPDATE `order_lines` SET `fulfilled` = `allocations`
WHERE `order_id` IN (SELECT `id` FROM `orders` WHERE `status` IN ('completed', 'refunded'));
