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
ALTER TABLE `order_lines` ADD `allocations` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `fulfilled` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- Lines of orders placed before locations were held, and sold, at the default location.
UPDATE `order_lines` SET `allocations` = json_array(json_object('location_id', 'loc_00000000000000000000000000', 'qty', `qty`));
--> statement-breakpoint
UPDATE `order_lines` SET `fulfilled` = `allocations`
WHERE `order_id` IN (SELECT `id` FROM `orders` WHERE `status` IN ('completed', 'refunded'));
