import { DEFAULT_LOCATION_ID } from "../../db/schema/locations";
import { newId } from "../../lib/ids";
import { type Deltas, EMPTY_BUCKETS, sellable, totalOf, withDeltas } from "./levels";
import type { LedgerQuery, LocationLevel, Movement, MovementReason, StockLevel } from "./types";

export type Row = Record<string, SqlStorageValue>;

interface ProductRow extends Row {
  product_id: string;
  version: number;
  low_stock_threshold: number | null;
  is_low: number;
  updated_at: string | null;
}

type StockRow = Row & Omit<LocationLevel, "available">;

export interface ProjectionBatch {
  flushId: string;
  movements: Movement[];
  level: StockLevel;
  isLow: boolean;
  /** Whether some location's in-stock (available > 0) differs from what D1 last showed: storefront caches must refresh. */
  inStockChanged: boolean;
  events: { id: string; type: string; data: Record<string, unknown>; created_at: string }[];
  lastSeq: number;
}

export interface Change {
  locationId: string;
  /** The operation this movement belongs to: repeats of it are recognised by this id. */
  operationId: string;
  /** Defaults to the operation id for an operation's first movement; later ones get fresh ids. */
  movementId?: string;
  reason: MovementReason;
  deltas: Deltas;
  reservationId?: string | null;
  reference?: string | null;
  note?: string | null;
  actor?: string | null;
}

function toLocationLevel(row: StockRow): LocationLevel {
  const { location_id, version, updated_at, ...buckets } = row;
  const b = { ...EMPTY_BUCKETS, ...buckets };
  return { location_id, ...b, available: sellable(b), version, updated_at };
}

/**
 * The object's storage (layout in schema-versions.ts): synchronous SQLite calls, so each
 * method is atomic on its own and callers compose them inside `transactionSync`.
 */
export class StockStorage {
  private dirty = false;

  /** `productId` is the object's own name: the product it was addressed by. */
  constructor(
    private readonly sql: SqlStorage,
    readonly productId: string,
  ) {}

  one<T extends Row>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
    return this.sql.exec<T>(query, ...bindings).toArray()[0];
  }

  exec(query: string, ...bindings: SqlStorageValue[]): SqlStorageCursor<Row> {
    return this.sql.exec<Row>(query, ...bindings);
  }

  private productRow(): ProductRow {
    const row = this.one<ProductRow>("SELECT * FROM product WHERE id = 1");
    if (row) return row;
    this.sql.exec("INSERT INTO product (id, product_id, version) VALUES (1, ?, 0)", this.productId);
    return { product_id: this.productId, version: 0, low_stock_threshold: null, is_low: 0, updated_at: null };
  }

  locationLevel(locationId: string): LocationLevel {
    const row = this.one<StockRow>("SELECT * FROM stock WHERE location_id = ?", locationId);
    return toLocationLevel(row ?? { location_id: locationId, ...EMPTY_BUCKETS, version: 0, updated_at: null });
  }

  level(): StockLevel {
    const product = this.productRow();
    const rows = this.sql.exec<StockRow>("SELECT * FROM stock ORDER BY location_id").toArray().map(toLocationLevel);
    // An object that never moved still shows its default location, as the single level did.
    const locations = rows.length > 0 ? rows : [this.locationLevel(DEFAULT_LOCATION_ID)];
    return totalOf(product, locations);
  }

  /**
   * Applies one change at one location: updates its level, appends the movement and queues
   * the events it causes (a coalesced `stock.changed`, and `stock.low` once per downward
   * crossing of the threshold). Callers check the invariant first and refuse as a value;
   * the CHECK constraints are the backstop that rolls the whole operation back.
   */
  apply(change: Change): Movement {
    const product = this.productRow();
    const before = this.locationLevel(change.locationId);
    const now = new Date().toISOString();
    this.dirty = true;
    const after = { ...withDeltas(before, change.deltas), version: before.version + 1 };
    this.sql.exec(
      `INSERT INTO stock (location_id, on_hand, reserved, damaged, quarantine, incoming, out, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (location_id) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
         damaged = excluded.damaged, quarantine = excluded.quarantine, incoming = excluded.incoming,
         out = excluded.out, version = excluded.version, updated_at = excluded.updated_at`,
      change.locationId,
      after.on_hand,
      after.reserved,
      after.damaged,
      after.quarantine,
      after.incoming,
      after.out,
      after.version,
      now,
    );
    const productVersion = product.version + 1;
    this.sql.exec("UPDATE product SET version = ?, updated_at = ? WHERE id = 1", productVersion, now);
    const movement: Movement = {
      id: change.movementId ?? newId("mov"),
      seq: 0,
      product_id: this.productId,
      location_id: change.locationId,
      operation_id: change.operationId,
      reason: change.reason,
      delta_on_hand: change.deltas.on_hand ?? 0,
      delta_reserved: change.deltas.reserved ?? 0,
      delta_damaged: change.deltas.damaged ?? 0,
      delta_quarantine: change.deltas.quarantine ?? 0,
      delta_incoming: change.deltas.incoming ?? 0,
      delta_out: change.deltas.out ?? 0,
      on_hand: after.on_hand,
      reserved: after.reserved,
      damaged: after.damaged,
      quarantine: after.quarantine,
      incoming: after.incoming,
      out: after.out,
      version: after.version,
      reservation_id: change.reservationId ?? null,
      reference: change.reference ?? null,
      note: change.note ?? null,
      actor: change.actor ?? null,
      created_at: now,
    };
    const { seq: _seq, product_id: _p, ...stored } = movement;
    const columns = Object.keys(stored);
    movement.seq = this.one<{ seq: number }>(
      `INSERT INTO movements (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) RETURNING seq`,
      ...Object.values(stored),
    )?.seq as number;

    const level = this.level();
    const isLow = product.low_stock_threshold !== null && level.available <= product.low_stock_threshold;
    this.sql.exec("UPDATE product SET is_low = ? WHERE id = 1", isLow ? 1 : 0);
    this.queueStockChanged(level, movement.reason, now);
    if (isLow && product.is_low === 0) {
      this.queueEvent("stock.low", { ...eventLevel(level), threshold: product.low_stock_threshold }, now);
    }
    return movement;
  }

  private queueEvent(type: string, data: Record<string, unknown>, now: string): void {
    this.sql.exec(
      "INSERT INTO pending_events (id, type, data, created_at) VALUES (?, ?, ?, ?)",
      newId("evt"),
      type,
      JSON.stringify(data),
      now,
    );
  }

  /** Bursts coalesce: an unsent `stock.changed` is brought up to date instead of adding another. */
  private queueStockChanged(level: StockLevel, reason: string, now: string) {
    const data = { ...eventLevel(level), reason };
    const updated = this.sql.exec(
      "UPDATE pending_events SET data = ?, created_at = ? WHERE type = 'stock.changed' AND flush_id IS NULL",
      JSON.stringify(data),
      now,
    );
    if (updated.rowsWritten === 0) this.queueEvent("stock.changed", data, now);
  }

  setThreshold(threshold: number | null): void {
    const level = this.level();
    const isLow = threshold !== null && level.available <= threshold;
    this.sql.exec("UPDATE product SET low_stock_threshold = ?, is_low = ? WHERE id = 1", threshold, isLow ? 1 : 0);
    // No movement, but the projection's threshold and low flag are now stale.
    this.setMeta("level_dirty", 1);
  }

  /** Safety stock is a setting of the location, not a movement; it moves the location's and the product's version. */
  setSafetyStock(locationId: string, safetyStock: number): void {
    this.productRow();
    this.sql.exec(
      `INSERT INTO stock (location_id, safety_stock, version, updated_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (location_id) DO UPDATE SET safety_stock = excluded.safety_stock, version = version + 1,
         updated_at = excluded.updated_at`,
      locationId,
      safetyStock,
      new Date().toISOString(),
    );
    this.sql.exec("UPDATE product SET version = version + 1 WHERE id = 1");
    this.setMeta("level_dirty", 1);
  }

  movement(id: string): Movement | undefined {
    const row = this.one<Row>("SELECT * FROM movements WHERE id = ?", id);
    return row ? this.toMovement(row) : undefined;
  }

  /** The movements an operation made, in order: a repeat of the operation answers with these. */
  operation(operationId: string): Movement[] {
    return this.sql
      .exec<Row>("SELECT * FROM movements WHERE operation_id = ? ORDER BY seq", operationId)
      .toArray()
      .map((row) => this.toMovement(row));
  }

  /** True once since the last call if a change was applied: the object then owes D1 a flush. */
  takeDirty(): boolean {
    const dirty = this.dirty;
    this.dirty = false;
    return dirty;
  }

  toMovement(row: Row): Movement {
    return { ...(row as unknown as Movement), product_id: this.productId };
  }

  ledger(query: LedgerQuery): Movement[] {
    const where: string[] = [];
    const bindings: SqlStorageValue[] = [];
    if (query.before_seq) {
      where.push("seq < ?");
      bindings.push(query.before_seq);
    }
    if (query.reasons && query.reasons.length > 0) {
      where.push(`reason IN (${query.reasons.map(() => "?").join(", ")})`);
      bindings.push(...query.reasons);
    }
    if (query.location_id) {
      where.push("location_id = ?");
      bindings.push(query.location_id);
    }
    if (query.from) {
      where.push("created_at >= ?");
      bindings.push(query.from);
    }
    if (query.to) {
      where.push("created_at < ?");
      bindings.push(query.to);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.sql
      .exec<Row>(`SELECT * FROM movements ${filter} ORDER BY seq DESC LIMIT ?`, ...bindings, query.limit)
      .toArray()
      .map((row) => this.toMovement(row));
  }

  meta(key: string): string | undefined {
    return this.one<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)?.value;
  }

  setMeta(key: string, value: string | number): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      String(value),
    );
  }

  isLow(): boolean {
    return this.one<{ is_low: number }>("SELECT is_low FROM product WHERE id = 1")?.is_low === 1;
  }
}

/** The level as events carry it: totals plus each location's buckets. */
export function eventLevel(level: StockLevel): Record<string, unknown> {
  const { low_stock_threshold: _t, ...rest } = level;
  return rest;
}
