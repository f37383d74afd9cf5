-- Full-text search over products (name, sku, barcode, description) with FTS5.
-- External content: the index stores only tokens and reads columns from `products`,
-- keyed by its INTEGER PRIMARY KEY `seq` (stable, unlike an implicit rowid).
-- Triggers keep it in step with every insert, update and delete, inside the same
-- statement, so a search never sees a product the table does not (and the reverse).
-- unicode61 folds case and diacritics; "ABC-123" becomes the tokens "abc" "123",
-- which the query side matches as a phrase. Prefix indexes make "typed so far"
-- queries cheap.
CREATE VIRTUAL TABLE `products_fts` USING fts5(
	name, sku, barcode, description,
	content='products', content_rowid='seq',
	tokenize='unicode61 remove_diacritics 2',
	prefix='2 3'
);
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_insert` AFTER INSERT ON `products` BEGIN
	INSERT INTO products_fts (rowid, name, sku, barcode, description)
	VALUES (new.seq, new.name, new.sku, coalesce(new.barcode, ''), new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_delete` AFTER DELETE ON `products` BEGIN
	INSERT INTO products_fts (products_fts, rowid, name, sku, barcode, description)
	VALUES ('delete', old.seq, old.name, old.sku, coalesce(old.barcode, ''), old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF name, sku, barcode, description ON `products` BEGIN
	INSERT INTO products_fts (products_fts, rowid, name, sku, barcode, description)
	VALUES ('delete', old.seq, old.name, old.sku, coalesce(old.barcode, ''), old.description);
	INSERT INTO products_fts (rowid, name, sku, barcode, description)
	VALUES (new.seq, new.name, new.sku, coalesce(new.barcode, ''), new.description);
END;
--> statement-breakpoint
-- The storefront cache generation starts at 1 (see catalog_state in src/db/schema/catalog.ts).
INSERT INTO `catalog_state` (`id`, `generation`) VALUES (1, 1);
