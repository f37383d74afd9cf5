-- Rebuilding refunds and credit_notes (new CHECKs) drops tables others reference; D1 checks those
-- references at commit instead, after the rebuilt tables are back under their names.
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `return_lines` (
	`return_id` text NOT NULL,
	`order_id` text NOT NULL,
	`product_id` text NOT NULL,
	`position` integer NOT NULL,
	`qty` integer NOT NULL,
	`reason` text NOT NULL,
	PRIMARY KEY(`return_id`, `product_id`),
	FOREIGN KEY (`return_id`) REFERENCES `returns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "return_lines_qty" CHECK("return_lines"."qty" >= 1)
);
--> statement-breakpoint
CREATE INDEX `return_lines_order_product` ON `return_lines` (`order_id`,`product_id`);--> statement-breakpoint
CREATE INDEX `return_lines_product` ON `return_lines` (`product_id`,`return_id`);--> statement-breakpoint
CREATE TABLE `return_receipts` (
	`return_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text NOT NULL,
	`condition` text NOT NULL,
	`location_id` text,
	`qty` integer NOT NULL,
	`movement_id` text,
	PRIMARY KEY(`return_id`, `position`),
	FOREIGN KEY (`return_id`) REFERENCES `returns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "return_receipts_qty" CHECK("return_receipts"."qty" >= 1)
);
--> statement-breakpoint
CREATE TABLE `returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text,
	`status` text NOT NULL,
	`note` text,
	`decision_reason` text,
	`refund_id` text,
	`restocking_fee` integer DEFAULT 0 NOT NULL,
	`opened_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`approved_at` text,
	`rejected_at` text,
	`received_at` text,
	`refunded_at` text,
	`closed_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`refund_id`) REFERENCES `refunds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "returns_fee_non_negative" CHECK("returns"."restocking_fee" >= 0)
);
--> statement-breakpoint
CREATE INDEX `returns_created` ON `returns` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `returns_order` ON `returns` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `returns_customer_created` ON `returns` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `returns_status_created` ON `returns` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `returns_refund` ON `returns` (`refund_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_credit_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`year` integer NOT NULL,
	`sequence` integer NOT NULL,
	`invoice_id` text NOT NULL,
	`order_id` text NOT NULL,
	`refund_id` text NOT NULL,
	`reason` text NOT NULL,
	`currency` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax` integer NOT NULL,
	`restocking_fee` integer DEFAULT 0 NOT NULL,
	`total` integer NOT NULL,
	`issued_at` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_notes_total" CHECK("__new_credit_notes"."total" = "__new_credit_notes"."subtotal" + "__new_credit_notes"."tax" - "__new_credit_notes"."restocking_fee")
);
--> statement-breakpoint
INSERT INTO `__new_credit_notes`("id", "number", "year", "sequence", "invoice_id", "order_id", "refund_id", "reason", "currency", "subtotal", "tax", "restocking_fee", "total", "issued_at") SELECT "id", "number", "year", "sequence", "invoice_id", "order_id", "refund_id", "reason", "currency", "subtotal", "tax", 0, "total", "issued_at" FROM `credit_notes`;--> statement-breakpoint
DROP TABLE `credit_notes`;--> statement-breakpoint
ALTER TABLE `__new_credit_notes` RENAME TO `credit_notes`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_number` ON `credit_notes` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_year_sequence` ON `credit_notes` (`year`,`sequence`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_refund` ON `credit_notes` (`refund_id`);--> statement-breakpoint
CREATE INDEX `credit_notes_invoice` ON `credit_notes` (`invoice_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `__new_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`payment_id` text,
	`reason` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax` integer NOT NULL,
	`restocking_fee` integer DEFAULT 0 NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`provider_ref` text,
	`failure_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount" CHECK("__new_refunds"."restocking_fee" >= 0 AND "__new_refunds"."amount" = "__new_refunds"."subtotal" + "__new_refunds"."tax" - "__new_refunds"."restocking_fee" AND "__new_refunds"."amount" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_refunds`("id", "order_id", "payment_id", "reason", "subtotal", "tax", "restocking_fee", "amount", "currency", "status", "provider_ref", "failure_message", "created_at", "updated_at") SELECT "id", "order_id", "payment_id", "reason", "subtotal", "tax", 0, "amount", "currency", "status", "provider_ref", "failure_message", "created_at", "updated_at" FROM `refunds`;--> statement-breakpoint
DROP TABLE `refunds`;--> statement-breakpoint
ALTER TABLE `__new_refunds` RENAME TO `refunds`;--> statement-breakpoint
CREATE INDEX `refunds_order` ON `refunds` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `refunds_status` ON `refunds` (`status`,`updated_at`);