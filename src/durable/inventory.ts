import { DurableObject } from "cloudflare:workers";

export interface StockSnapshot {
  product_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  version: number;
  updated_at: string | null;
}

/**
 * One object per product (`idFromName(product_id)`): the only writer of that
 * product's stock (DESIGN.md section 4). Its SQLite storage holds the level; the
 * ledger, reservations and projection outbox are added by the inventory engine.
 */
export class InventoryDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS level (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      product_id TEXT NOT NULL,
      on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
      reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
      version INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT
    )`);
  }

  async snapshot(productId: string): Promise<StockSnapshot> {
    const row = this.sql
      .exec<{ on_hand: number; reserved: number; version: number; updated_at: string | null }>(
        "SELECT on_hand, reserved, version, updated_at FROM level WHERE id = 1",
      )
      .toArray()[0];
    const onHand = row?.on_hand ?? 0;
    const reserved = row?.reserved ?? 0;
    return {
      product_id: productId,
      on_hand: onHand,
      reserved,
      available: onHand - reserved,
      version: row?.version ?? 0,
      updated_at: row?.updated_at ?? null,
    };
  }
}
