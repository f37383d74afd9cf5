import { newId } from "../../lib/ids";
import type { LedgerQuery, Movement, MovementReason, Reservation, ReservationState, StockLevel } from "./types";

/*
 * The object's own SQLite schema. The CHECK constraints restate the invariant
 * 0 <= reserved <= on_hand, so even a bug in the code above cannot store a level
 * that oversells: the write would fail and the whole operation roll back.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS level (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    product_id TEXT NOT NULL,
    on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
    version INTEGER NOT NULL,
    low_stock_threshold INTEGER,
    is_low INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS reservations (
    id TEXT PRIMARY KEY,
    order_id TEXT,
    qty INTEGER NOT NULL CHECK (qty >= 0),
    state TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS reservations_held ON reservations (expires_at) WHERE state = 'held'",
  "CREATE INDEX IF NOT EXISTS reservations_tombstones ON reservations (expires_at) WHERE qty = 0 AND order_id IS NULL",
  `CREATE TABLE IF NOT EXISTS movements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    delta_on_hand INTEGER NOT NULL,
    delta_reserved INTEGER NOT NULL,
    on_hand INTEGER NOT NULL,
    reserved INTEGER NOT NULL,
    version INTEGER NOT NULL,
    reservation_id TEXT,
    reference TEXT,
    note TEXT,
    actor TEXT,
    created_at TEXT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS movements_created ON movements (created_at)",
  // Events for the D1 outbox, written here with their final ids so a retried flush can't duplicate them.
  `CREATE TABLE IF NOT EXISTS pending_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    flush_id TEXT
  )`,
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

type Row = Record<string, SqlStorageValue>;

interface LevelRow extends Row {
  product_id: string;
  on_hand: number;
  reserved: number;
  version: number;
  low_stock_threshold: number | null;
  is_low: number;
  updated_at: string | null;
}

interface ReservationRow extends Row {
  id: string;
  order_id: string | null;
  qty: number;
  state: string;
  expires_at: number;
  created_at: string;
  updated_at: string;
}

export interface ProjectionBatch {
  flushId: string;
  movements: Movement[];
  level: StockLevel;
  isLow: boolean;
  /** Whether in-stock (available > 0) differs from what D1 last showed: storefront caches must refresh. */
  inStockChanged: boolean;
  events: { id: string; type: string; data: Record<string, unknown>; created_at: string }[];
  lastSeq: number;
}

export interface Change {
  reason: MovementReason;
  deltaOnHand: number;
  deltaReserved: number;
  reservationId?: string | null;
  reference?: string | null;
  note?: string | null;
  actor?: string | null;
  movementId?: string;
}

/** The object's storage: synchronous SQLite calls, so each method is atomic on its own. */
export class StockStorage {
  private cachedProductId: string | undefined;
  private dirty = false;

  constructor(private readonly sql: SqlStorage) {
    for (const statement of SCHEMA) sql.exec(statement);
  }

  private one<T extends Row>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
    return this.sql.exec<T>(query, ...bindings).toArray()[0];
  }

  private levelRow(productId: string): LevelRow {
    const row = this.one<LevelRow>("SELECT * FROM level WHERE id = 1");
    if (row) return row;
    const created: LevelRow = {
      product_id: productId,
      on_hand: 0,
      reserved: 0,
      version: 0,
      low_stock_threshold: null,
      is_low: 0,
      updated_at: null,
    };
    this.sql.exec("INSERT INTO level (id, product_id, on_hand, reserved, version) VALUES (1, ?, 0, 0, 0)", productId);
    return created;
  }

  level(productId: string): StockLevel {
    const row = this.levelRow(productId);
    return {
      product_id: row.product_id,
      on_hand: row.on_hand,
      reserved: row.reserved,
      available: row.on_hand - row.reserved,
      version: row.version,
      low_stock_threshold: row.low_stock_threshold,
      updated_at: row.updated_at,
    };
  }

  /**
   * Applies one change: updates the level, appends the movement, and queues the
   * events it causes (a coalesced `stock.changed`, and `stock.low` once per downward
   * crossing of the threshold). The caller runs it inside `transactionSync`.
   */
  apply(productId: string, change: Change): Movement {
    const before = this.levelRow(productId);
    const now = new Date().toISOString();
    this.dirty = true;
    const after = {
      on_hand: before.on_hand + change.deltaOnHand,
      reserved: before.reserved + change.deltaReserved,
      version: before.version + 1,
    };
    const available = after.on_hand - after.reserved;
    const isLow = before.low_stock_threshold !== null && available <= before.low_stock_threshold;
    this.sql.exec(
      "UPDATE level SET on_hand = ?, reserved = ?, version = ?, is_low = ?, updated_at = ? WHERE id = 1",
      after.on_hand,
      after.reserved,
      after.version,
      isLow ? 1 : 0,
      now,
    );
    const movement: Movement = {
      id: change.movementId ?? newId("mov"),
      seq: 0,
      product_id: productId,
      reason: change.reason,
      delta_on_hand: change.deltaOnHand,
      delta_reserved: change.deltaReserved,
      ...after,
      reservation_id: change.reservationId ?? null,
      reference: change.reference ?? null,
      note: change.note ?? null,
      actor: change.actor ?? null,
      created_at: now,
    };
    movement.seq = this.one<{ seq: number }>(
      `INSERT INTO movements (id, reason, delta_on_hand, delta_reserved, on_hand, reserved, version, reservation_id, reference, note, actor, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      movement.id,
      movement.reason,
      movement.delta_on_hand,
      movement.delta_reserved,
      movement.on_hand,
      movement.reserved,
      movement.version,
      movement.reservation_id,
      movement.reference,
      movement.note,
      movement.actor,
      now,
    )?.seq as number;

    const level = {
      product_id: productId,
      ...after,
      available,
      low_stock_threshold: before.low_stock_threshold,
      updated_at: now,
    };
    this.queueStockChanged(level, movement.reason, now);
    if (isLow && before.is_low === 0) {
      this.queueEvent("stock.low", { ...level, threshold: before.low_stock_threshold }, now);
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
  private queueStockChanged(
    level: Omit<StockLevel, "low_stock_threshold"> & Record<string, unknown>,
    reason: string,
    now: string,
  ) {
    const data = JSON.stringify({ ...level, reason });
    const updated = this.sql.exec(
      "UPDATE pending_events SET data = ?, created_at = ? WHERE type = 'stock.changed' AND flush_id IS NULL",
      data,
      now,
    );
    if (updated.rowsWritten === 0) this.queueEvent("stock.changed", { ...level, reason }, now);
  }

  setThreshold(productId: string, threshold: number | null): void {
    const before = this.levelRow(productId);
    const available = before.on_hand - before.reserved;
    const isLow = threshold !== null && available <= threshold;
    this.sql.exec("UPDATE level SET low_stock_threshold = ?, is_low = ? WHERE id = 1", threshold, isLow ? 1 : 0);
    // No movement, but the projection's threshold and low flag are now stale.
    this.setMeta("level_dirty", 1);
  }

  movement(id: string): Movement | undefined {
    const row = this.one<Row>("SELECT * FROM movements WHERE id = ?", id);
    return row ? this.toMovement(row) : undefined;
  }

  /** True once since the last call if a change was applied: the object then owes D1 a flush. */
  takeDirty(): boolean {
    const dirty = this.dirty;
    this.dirty = false;
    return dirty;
  }

  productId(): string {
    this.cachedProductId ??= this.one<{ product_id: string }>("SELECT product_id FROM level WHERE id = 1")?.product_id;
    return this.cachedProductId ?? "";
  }

  private toMovement(row: Row): Movement {
    return { ...(row as unknown as Movement), product_id: this.productId() };
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

  reservation(id: string): Reservation | undefined {
    const row = this.one<ReservationRow>("SELECT * FROM reservations WHERE id = ?", id);
    return row ? this.toReservation(row) : undefined;
  }

  private toReservation(row: ReservationRow): Reservation {
    return {
      id: row.id,
      product_id: this.productId(),
      order_id: row.order_id,
      qty: row.qty,
      state: row.state as ReservationState,
      expires_at: new Date(row.expires_at).toISOString(),
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  insertReservation(id: string, orderId: string | null, qty: number, state: ReservationState, expiresAt: number): void {
    const now = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO reservations (id, order_id, qty, state, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      id,
      orderId,
      qty,
      state,
      expiresAt,
      now,
      now,
    );
  }

  /** Forgets release tombstones (qty 0, no order) that were written before `before` (ms), at most `limit`. */
  pruneTombstones(before: number, limit: number): number {
    return this.sql.exec(
      `DELETE FROM reservations WHERE id IN (
        SELECT id FROM reservations WHERE qty = 0 AND order_id IS NULL AND expires_at < ? LIMIT ?)`,
      before,
      limit,
    ).rowsWritten;
  }

  setReservationState(id: string, state: ReservationState): void {
    this.sql.exec(
      "UPDATE reservations SET state = ?, updated_at = ? WHERE id = ?",
      state,
      new Date().toISOString(),
      id,
    );
  }

  /** Held reservations whose time is up, oldest first. */
  dueHolds(now: number, limit: number): { id: string; qty: number; order_id: string | null }[] {
    return this.sql
      .exec<ReservationRow>(
        "SELECT * FROM reservations WHERE state = 'held' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
        now,
        limit,
      )
      .toArray();
  }

  earliestHoldExpiry(): number | null {
    return (
      this.one<{ t: number | null }>("SELECT min(expires_at) AS t FROM reservations WHERE state = 'held'")?.t ?? null
    );
  }

  private meta(key: string): string | undefined {
    return this.one<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)?.value;
  }

  private setMeta(key: string, value: string | number): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      String(value),
    );
  }

  /**
   * The next slice of work for the D1 projection: movements past the projected
   * cursor and the pending events, which are marked with this flush's id so that
   * changes made while the flush is in flight queue new events instead of editing sent ones.
   */
  takeProjectionBatch(productId: string, limit: number): ProjectionBatch | null {
    const projectedSeq = Number(this.meta("projected_seq") ?? 0);
    const rows = this.sql
      .exec<Row>("SELECT * FROM movements WHERE seq > ? ORDER BY seq LIMIT ?", projectedSeq, limit)
      .toArray();
    const flushId = crypto.randomUUID();
    this.sql.exec("UPDATE pending_events SET flush_id = ? WHERE flush_id IS NULL", flushId);
    const events = this.sql
      .exec<{ id: string; type: string; data: string; created_at: string }>(
        "SELECT id, type, data, created_at FROM pending_events WHERE flush_id = ? ORDER BY created_at",
        flushId,
      )
      .toArray()
      .map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }));
    if (rows.length === 0 && events.length === 0 && this.meta("level_dirty") !== "1") return null;
    const levelRow = this.levelRow(productId);
    const level = this.level(productId);
    return {
      flushId,
      movements: rows.map((row) => this.toMovement(row)),
      level,
      isLow: levelRow.is_low === 1,
      inStockChanged: this.meta("projected_in_stock") !== (level.available > 0 ? "1" : "0"),
      events,
      lastSeq: rows.length > 0 ? Number(rows.at(-1)?.seq) : projectedSeq,
    };
  }

  completeProjection(batch: ProjectionBatch): void {
    this.setMeta("projected_seq", batch.lastSeq);
    this.setMeta("flush_failures", 0);
    this.setMeta("level_dirty", 0);
    this.setMeta("projected_in_stock", batch.level.available > 0 ? 1 : 0);
    this.sql.exec("DELETE FROM pending_events WHERE flush_id = ?", batch.flushId);
  }

  /** A failed flush hands its events back, so the next attempt sends them with the same ids. */
  abandonProjection(batch: ProjectionBatch): number {
    this.sql.exec("UPDATE pending_events SET flush_id = NULL WHERE flush_id = ?", batch.flushId);
    const failures = Number(this.meta("flush_failures") ?? 0) + 1;
    this.setMeta("flush_failures", failures);
    return failures;
  }

  hasUnprojectedWork(): boolean {
    const projectedSeq = Number(this.meta("projected_seq") ?? 0);
    return (
      this.one("SELECT 1 AS x FROM movements WHERE seq > ? LIMIT 1", projectedSeq) !== undefined ||
      this.one("SELECT 1 AS x FROM pending_events LIMIT 1") !== undefined
    );
  }

  flushFailures(): number {
    return Number(this.meta("flush_failures") ?? 0);
  }
}
