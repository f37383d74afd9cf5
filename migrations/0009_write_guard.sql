CREATE TABLE `write_guard` (
	`ok` integer NOT NULL,
	CONSTRAINT "write_guard_held" CHECK("write_guard"."ok" = 1)
);
--> statement-breakpoint
DROP TABLE `catalog_write_guard`;--> statement-breakpoint
DROP TABLE `order_write_guard`;