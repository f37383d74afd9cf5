CREATE TABLE `catalog_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL,
	CONSTRAINT "catalog_state_single_row" CHECK("catalog_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `catalog_write_guard` (
	`ok` integer NOT NULL,
	CONSTRAINT "catalog_write_applied" CHECK("catalog_write_guard"."ok" = 1)
);
--> statement-breakpoint
CREATE TABLE `categories` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`parent_id` text,
	`position` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_slug_unique` ON `categories` (`slug`);--> statement-breakpoint
CREATE INDEX `categories_parent` ON `categories` (`parent_id`,`position`);--> statement-breakpoint
CREATE TABLE `product_images` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`key` text NOT NULL,
	`content_type` text NOT NULL,
	`byte_size` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`alt` text DEFAULT '' NOT NULL,
	`position` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_images_product_key` ON `product_images` (`product_id`,`key`);--> statement-breakpoint
CREATE INDEX `product_images_product_position` ON `product_images` (`product_id`,`position`);--> statement-breakpoint
CREATE INDEX `product_images_key` ON `product_images` (`key`);--> statement-breakpoint
CREATE TABLE `products` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`sku` text NOT NULL,
	`barcode` text,
	`barcode_key` text,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`price` integer,
	`compare_at_price` integer,
	`category_id` text,
	`attributes` text NOT NULL,
	`low_stock_threshold` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`published_at` text,
	`first_published_at` text,
	`first_ordered_at` text,
	`rating_average` real,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_id_unique` ON `products` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_sku_unique` ON `products` (`sku`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_barcode_key_unique` ON `products` (`barcode_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_slug_unique` ON `products` (`slug`);--> statement-breakpoint
CREATE INDEX `products_category` ON `products` (`category_id`);--> statement-breakpoint
CREATE INDEX `products_status_created` ON `products` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_status_updated` ON `products` (`status`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_status_price` ON `products` (`status`,`price`,`id`);--> statement-breakpoint
CREATE INDEX `products_status_name` ON `products` (`status`,"name" COLLATE NOCASE,`id`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`author_id` text NOT NULL,
	`author_name` text NOT NULL,
	`rating` integer NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`verified_purchase` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`moderated_by` text,
	`moderated_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "reviews_rating_range" CHECK("reviews"."rating" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_product_author` ON `reviews` (`product_id`,`author_id`);--> statement-breakpoint
CREATE INDEX `reviews_product_status` ON `reviews` (`product_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_status` ON `reviews` (`status`,`id`);