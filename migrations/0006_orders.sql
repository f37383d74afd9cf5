CREATE TABLE `credit_note_lines` (
	`credit_note_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`unit_price` integer NOT NULL,
	`qty` integer NOT NULL,
	`line_total` integer NOT NULL,
	`restocked` integer NOT NULL,
	PRIMARY KEY(`credit_note_id`, `position`),
	FOREIGN KEY (`credit_note_id`) REFERENCES `credit_notes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `credit_notes` (
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
	`total` integer NOT NULL,
	`issued_at` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_notes_total" CHECK("credit_notes"."total" = "credit_notes"."subtotal" + "credit_notes"."tax")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_number` ON `credit_notes` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_year_sequence` ON `credit_notes` (`year`,`sequence`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_refund` ON `credit_notes` (`refund_id`);--> statement-breakpoint
CREATE INDEX `credit_notes_invoice` ON `credit_notes` (`invoice_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `document_counters` (
	`series` text NOT NULL,
	`year` integer NOT NULL,
	`last_number` integer NOT NULL,
	PRIMARY KEY(`series`, `year`)
);
--> statement-breakpoint
CREATE TABLE `invoice_lines` (
	`invoice_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`unit_price` integer NOT NULL,
	`qty` integer NOT NULL,
	`line_total` integer NOT NULL,
	PRIMARY KEY(`invoice_id`, `position`),
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`year` integer NOT NULL,
	`sequence` integer NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text,
	`customer_name` text,
	`customer_email` text,
	`billing_address` text,
	`currency` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax_rate_bps` integer NOT NULL,
	`tax` integer NOT NULL,
	`total` integer NOT NULL,
	`status` text NOT NULL,
	`void_reason` text,
	`voided_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`issued_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoices_total" CHECK("invoices"."total" = "invoices"."subtotal" + "invoices"."tax")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number` ON `invoices` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_year_sequence` ON `invoices` (`year`,`sequence`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_order` ON `invoices` (`order_id`);--> statement-breakpoint
CREATE INDEX `invoices_customer` ON `invoices` (`customer_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `invoices_issued` ON `invoices` (`issued_at`,`id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`template` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`customer_id` text,
	`order_id` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`send_at` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_event_template` ON `notifications` (`event_id`,`template`);--> statement-breakpoint
CREATE INDEX `notifications_order` ON `notifications` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_customer` ON `notifications` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`order_id` text NOT NULL,
	`product_id` text NOT NULL,
	`position` integer NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`unit_price` integer NOT NULL,
	`qty` integer NOT NULL,
	`line_total` integer NOT NULL,
	`refunded_qty` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`order_id`, `product_id`),
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_lines_refund_bounded" CHECK("order_lines"."refunded_qty" >= 0 AND "order_lines"."refunded_qty" <= "order_lines"."qty")
);
--> statement-breakpoint
CREATE INDEX `order_lines_product` ON `order_lines` (`product_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `order_pipeline_steps` (
	`event_id` text NOT NULL,
	`step` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `step`)
);
--> statement-breakpoint
CREATE INDEX `order_pipeline_steps_status` ON `order_pipeline_steps` (`status`);--> statement-breakpoint
CREATE TABLE `order_status_history` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_status_history_order` ON `order_status_history` (`order_id`,`seq`);--> statement-breakpoint
CREATE TABLE `order_write_guard` (
	`ok` integer NOT NULL,
	CONSTRAINT "order_write_applied" CHECK("order_write_guard"."ok" = 1)
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`sale_key` text,
	`currency` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax_rate_bps` integer NOT NULL,
	`tax` integer NOT NULL,
	`total` integer NOT NULL,
	`refunded_subtotal` integer DEFAULT 0 NOT NULL,
	`refunded_tax` integer DEFAULT 0 NOT NULL,
	`refunded_total` integer DEFAULT 0 NOT NULL,
	`capture_mode` text NOT NULL,
	`customer_note` text,
	`staff_note` text,
	`metadata` text NOT NULL,
	`shipping_address` text,
	`billing_address` text,
	`expires_at` text NOT NULL,
	`paid_at` text,
	`completed_at` text,
	`cancelled_at` text,
	`cancel_reason` text,
	`refunded_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "orders_money_non_negative" CHECK("orders"."subtotal" >= 0 AND "orders"."tax" >= 0 AND "orders"."total" = "orders"."subtotal" + "orders"."tax"),
	CONSTRAINT "orders_refunds_bounded" CHECK("orders"."refunded_total" >= 0 AND "orders"."refunded_total" <= "orders"."total")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_sale_key` ON `orders` (`sale_key`);--> statement-breakpoint
CREATE INDEX `orders_created` ON `orders` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_customer_created` ON `orders` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status_expires` ON `orders` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `orders_status_updated` ON `orders` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`provider` text NOT NULL,
	`details` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`provider_ref` text,
	`failure_code` text,
	`failure_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payments_order` ON `payments` (`order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `refund_lines` (
	`refund_id` text NOT NULL,
	`product_id` text NOT NULL,
	`qty` integer NOT NULL,
	`restock` integer NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`refund_id`, `product_id`),
	FOREIGN KEY (`refund_id`) REFERENCES `refunds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`payment_id` text,
	`reason` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax` integer NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`provider_ref` text,
	`failure_message` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount" CHECK("refunds"."amount" = "refunds"."subtotal" + "refunds"."tax" AND "refunds"."amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX `refunds_order` ON `refunds` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `refunds_status` ON `refunds` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`version` integer NOT NULL,
	`updated_by` text,
	`updated_at` text NOT NULL,
	CONSTRAINT "settings_single_row" CHECK("settings"."id" = 1)
);
