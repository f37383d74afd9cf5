import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { chunks } from "../../lib/chunks";
import { flushOutbox } from "../../modules/events";
import { writeProjection } from "./projection";
import { StockStorage } from "./storage";
import type {
  AdjustInput,
  LedgerQuery,
  Movement,
  MovementResult,
  Refusal,
  Reservation,
  ReservationResult,
  ReserveInput,
  RestockInput,
  SetCountInput,
  StockLevel,
} from "./types";

const FLUSH_BATCH = 200;
/** If the immediate flush after a change is lost (eviction, crash), the alarm retries this soon. */
const FLUSH_SAFETY_MS = 5_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const EXPIRE_BATCH = 500;
/** Live-stock pushes coalesce over this window: watchers get the latest level, not every step. */
const PUBLISH_COALESCE_MS = 25;
/** How long a release tombstone outlives the release it stands for. */
const TOMBSTONE_KEEP_MS = 60 * 60_000;

/**
 * One object per product (`idFromName(product_id)`): the only writer of that
 * product's stock (docs/architecture.md, "Stock: the consistency model"). Every RPC method does its storage work
 * synchronously inside one transaction, so operations are serialised and the
 * invariant 0 <= reserved <= on_hand is checked and kept by construction. Every
 * operation is idempotent by its id: a repeat returns the first answer and appends
 * nothing. Refusals change nothing and are returned as values.
 */
export class InventoryDO extends DurableObject<Env> {
  private readonly store: StockStorage;
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private alarmAt: number | null = null;
  /** While D1 is failing, changes leave the retry to the alarm's backoff instead of hammering it. */
  private retryNotBefore = 0;
  private publishTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new StockStorage(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  async snapshot(productId: string): Promise<StockLevel> {
    return this.store.level(productId);
  }

  async adjust(input: AdjustInput): Promise<MovementResult> {
    const replay = this.replayMovement(input.product_id, input.movement_id);
    if (replay) return replay;
    if (!Number.isSafeInteger(input.delta) || input.delta === 0) return invalid("delta must be a non-zero integer");
    const result = this.ctx.storage.transactionSync((): MovementResult => {
      const level = this.store.level(input.product_id);
      if (level.on_hand + input.delta < level.reserved) return insufficient(-input.delta, level);
      const movement = this.store.apply(input.product_id, {
        reason: input.reason,
        deltaOnHand: input.delta,
        deltaReserved: 0,
        movementId: input.movement_id,
        note: input.note ?? null,
        reference: input.reference ?? null,
        actor: input.actor ?? null,
      });
      return this.movementAnswer(input.product_id, movement, false);
    });
    return this.changed(result);
  }

  async setCount(input: SetCountInput): Promise<MovementResult> {
    const replay = this.replayMovement(input.product_id, input.movement_id);
    if (replay) return replay;
    if (!Number.isSafeInteger(input.on_hand) || input.on_hand < 0)
      return invalid("on_hand must be a whole number >= 0");
    const result = this.ctx.storage.transactionSync((): MovementResult => {
      const level = this.store.level(input.product_id);
      if (input.expected_version != null && input.expected_version !== level.version) {
        return { ok: false, code: "VERSION_MISMATCH", version: level.version };
      }
      // Units promised to open holds cannot be counted away; release or sell them first.
      if (input.on_hand < level.reserved) return insufficient(level.on_hand - input.on_hand, level);
      const movement = this.store.apply(input.product_id, {
        reason: "cycle_count",
        deltaOnHand: input.on_hand - level.on_hand,
        deltaReserved: 0,
        movementId: input.movement_id,
        note: input.note ?? null,
        actor: input.actor ?? null,
      });
      return this.movementAnswer(input.product_id, movement, false);
    });
    return this.changed(result);
  }

  async restock(input: RestockInput): Promise<MovementResult> {
    const replay = this.replayMovement(input.product_id, input.movement_id);
    if (replay) return replay;
    if (!Number.isSafeInteger(input.qty) || input.qty <= 0) return invalid("qty must be a whole number > 0");
    const result = this.ctx.storage.transactionSync((): MovementResult => {
      const movement = this.store.apply(input.product_id, {
        reason: "restock",
        deltaOnHand: input.qty,
        deltaReserved: 0,
        movementId: input.movement_id,
        reference: input.reference ?? null,
        actor: input.actor ?? null,
      });
      return this.movementAnswer(input.product_id, movement, false);
    });
    return this.changed(result);
  }

  /** All or nothing for this product: either `qty` units are held until `expires_at`, or nothing changes. */
  async reserve(input: ReserveInput): Promise<ReservationResult> {
    const existing = this.store.reservation(input.reservation_id);
    if (existing) return this.reservationAnswer(input.product_id, existing.id, true);
    if (!Number.isSafeInteger(input.qty) || input.qty <= 0) return invalid("qty must be a whole number > 0");
    if (!Number.isSafeInteger(input.ttl_seconds) || input.ttl_seconds <= 0) return invalid("ttl_seconds must be > 0");
    const expiresAt = Date.now() + input.ttl_seconds * 1000;
    const result = this.ctx.storage.transactionSync((): ReservationResult => {
      const level = this.store.level(input.product_id);
      if (input.qty > level.available) return insufficient(input.qty, level);
      this.store.insertReservation(input.reservation_id, input.order_id ?? null, input.qty, "held", expiresAt);
      this.store.apply(input.product_id, {
        reason: "reserved",
        deltaOnHand: 0,
        deltaReserved: input.qty,
        reservationId: input.reservation_id,
        reference: input.order_id ?? null,
      });
      return this.reservationAnswer(input.product_id, input.reservation_id, false);
    });
    if (result.ok) await this.armAlarm(expiresAt);
    return this.changed(result);
  }

  /** A sale: the held units leave the shelf, so on_hand and reserved both go down. */
  async commit(input: {
    product_id: string;
    reservation_id: string;
    actor?: string | null;
  }): Promise<ReservationResult> {
    const result = this.ctx.storage.transactionSync((): ReservationResult => {
      const reservation = this.store.reservation(input.reservation_id);
      if (!reservation) return { ok: false, code: "RESERVATION_NOT_FOUND" };
      if (reservation.state === "committed") {
        return this.reservationAnswer(input.product_id, reservation.id, true);
      }
      if (reservation.state === "held" && Date.parse(reservation.expires_at) <= Date.now()) {
        // Past its time but not yet swept: it is expired, and a sale must not resurrect it.
        this.expireHold(input.product_id, reservation.id, reservation.qty);
        return { ok: false, code: "RESERVATION_NOT_HELD", state: "expired" };
      }
      if (reservation.state !== "held") return { ok: false, code: "RESERVATION_NOT_HELD", state: reservation.state };
      this.store.setReservationState(reservation.id, "committed");
      this.store.apply(input.product_id, {
        reason: "sale",
        deltaOnHand: -reservation.qty,
        deltaReserved: -reservation.qty,
        reservationId: reservation.id,
        reference: reservation.order_id,
        actor: input.actor ?? null,
      });
      return this.reservationAnswer(input.product_id, reservation.id, false);
    });
    return this.changed(result);
  }

  /**
   * Gives held units back. Releasing an unknown id leaves a released tombstone, so a
   * reserve delayed past the saga's rollback cannot create a hold nobody will release.
   * A reserve is never delayed for an hour, so older tombstones are pruned as new ones
   * are written (a refused checkout writes one per line; a hot product gathered
   * thousands).
   */
  async release(input: {
    product_id: string;
    reservation_id: string;
    reason?: string | null;
  }): Promise<ReservationResult> {
    const result = this.ctx.storage.transactionSync((): ReservationResult => {
      const reservation = this.store.reservation(input.reservation_id);
      if (!reservation) {
        this.store.pruneTombstones(Date.now() - TOMBSTONE_KEEP_MS, 100);
        this.store.insertReservation(input.reservation_id, null, 0, "released", Date.now());
        return this.reservationAnswer(input.product_id, input.reservation_id, false);
      }
      if (reservation.state === "committed") return { ok: false, code: "RESERVATION_NOT_HELD", state: "committed" };
      if (reservation.state !== "held") {
        return this.reservationAnswer(input.product_id, reservation.id, true);
      }
      this.store.setReservationState(reservation.id, "released");
      this.store.apply(input.product_id, {
        reason: "released",
        deltaOnHand: 0,
        deltaReserved: -reservation.qty,
        reservationId: reservation.id,
        reference: reservation.order_id,
        note: input.reason ?? null,
      });
      return this.reservationAnswer(input.product_id, reservation.id, false);
    });
    return this.changed(result);
  }

  async reservation(reservationId: string): Promise<Reservation | null> {
    return this.store.reservation(reservationId) ?? null;
  }

  async ledger(query: LedgerQuery): Promise<Movement[]> {
    return this.store.ledger(query);
  }

  async setLowStockThreshold(productId: string, threshold: number | null): Promise<StockLevel> {
    this.store.setThreshold(productId, threshold);
    this.scheduleFlush();
    return this.store.level(productId);
  }

  /** Expires due holds, retries the projection, and re-arms for the next due hold. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    const productId = this.store.productId();
    let expired = 0;
    const orderHolds: { order_id: string; reservation_id: string }[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const hold of this.store.dueHolds(now, EXPIRE_BATCH)) {
        this.expireHold(productId, hold.id, hold.qty);
        if (hold.order_id) orderHolds.push({ order_id: hold.order_id, reservation_id: hold.id });
        expired++;
      }
    });
    await this.notifyExpiredOrders(orderHolds);
    await this.flush();
    const next = this.store.earliestHoldExpiry();
    if (expired === EXPIRE_BATCH) await this.armAlarm(Date.now());
    else if (next !== null) await this.armAlarm(next);
  }

  /**
   * Tells the orders module that holds of these orders expired (a JOBS message each),
   * so pending orders are cancelled at once rather than at the next minute's sweep.
   * Best effort: the sweep is the guarantee, so a failed send is only logged.
   */
  private async notifyExpiredOrders(holds: { order_id: string; reservation_id: string }[]): Promise<void> {
    try {
      // A queue batch takes at most 100 messages.
      for (const part of chunks(holds, 100)) {
        await this.env.JOBS.sendBatch(
          part.map((h) => ({ body: { type: "reservation.expired", ...h }, contentType: "json" as const })),
        );
      }
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", message: "expired-hold notice failed", error: String(err) }));
    }
  }

  private expireHold(productId: string, reservationId: string, qty: number): void {
    this.store.setReservationState(reservationId, "expired");
    this.store.apply(productId, {
      reason: "expired",
      deltaOnHand: 0,
      deltaReserved: -qty,
      reservationId,
      note: "expired",
    });
  }

  private reservationAnswer(productId: string, reservationId: string, replayed: boolean): ReservationResult {
    const reservation = this.store.reservation(reservationId);
    if (!reservation) throw new Error(`reservation ${reservationId} vanished inside its own transaction`);
    return { ok: true, reservation, level: this.store.level(productId), replayed };
  }

  private movementAnswer(productId: string, movement: Movement, replayed: boolean): MovementResult {
    return { ok: true, movement, level: this.store.level(productId), replayed };
  }

  private replayMovement(productId: string, movementId: string): MovementResult | null {
    const movement = this.store.movement(movementId);
    if (!movement) return null;
    return this.movementAnswer(productId, movement, true);
  }

  /** After a change: project it to D1 now, with the alarm as the safety net. */
  private async changed<T>(result: T): Promise<T> {
    if (this.store.takeDirty()) {
      await this.armAlarm(Date.now() + FLUSH_SAFETY_MS);
      this.scheduleFlush();
      this.schedulePublish();
    }
    return result;
  }

  private scheduleFlush(): void {
    if (Date.now() >= this.retryNotBefore) this.ctx.waitUntil(this.flush());
  }

  private schedulePublish(): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.ctx.waitUntil(this.publishLevel());
    }, PUBLISH_COALESCE_MS);
  }

  /** Pushes the current level to every live-stock hub; a missed push is healed by the next change. */
  private async publishLevel(): Promise<void> {
    const level = this.store.level(this.store.productId());
    const shards = Math.max(1, Number(this.env.STREAM_SHARDS) || 1);
    try {
      await Promise.all(
        Array.from({ length: shards }, (_, i) =>
          this.env.STOCK_STREAM.get(this.env.STOCK_STREAM.idFromName(`stream-${i}`)).publish(level),
        ),
      );
    } catch (err) {
      console.error(
        JSON.stringify({
          level: "warn",
          message: "live stock push failed",
          product_id: level.product_id,
          error: String(err),
        }),
      );
    }
  }

  /** Only moves the alarm earlier; the alarm handler re-arms for whatever comes next. */
  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /** Runs one flush at a time; a change during a flush makes it go round once more. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    const productId = this.store.productId();
    if (!productId) return;
    do {
      this.flushAgain = false;
      const batch = this.store.takeProjectionBatch(productId, FLUSH_BATCH);
      if (!batch) return;
      try {
        await writeProjection(this.env.DB, batch);
      } catch (err) {
        const failures = this.store.abandonProjection(batch);
        const backoff = Math.min(1000 * 2 ** failures, MAX_BACKOFF_MS);
        this.retryNotBefore = Date.now() + backoff;
        console.error(
          JSON.stringify({
            level: "warn",
            message: "stock projection failed",
            product_id: productId,
            failures,
            error: String(err),
          }),
        );
        await this.armAlarm(Date.now() + backoff);
        return;
      }
      this.store.completeProjection(batch);
      this.retryNotBefore = 0;
      // The stock events are in the D1 outbox now; put them on the queue without waiting for the sweep.
      if (batch.events.length > 0) {
        const eventIds = batch.events.map((e) => e.id);
        this.ctx.waitUntil(flushOutbox(createDb(this.env.DB), this.env.EVENTS, { eventIds }));
      }
      if (batch.movements.length === FLUSH_BATCH) this.flushAgain = true;
    } while (this.flushAgain);
  }
}

function insufficient(requested: number, level: StockLevel): Refusal {
  return {
    ok: false,
    code: "INSUFFICIENT_STOCK",
    requested,
    available: level.available,
    on_hand: level.on_hand,
    reserved: level.reserved,
  };
}

function invalid(detail: string): Refusal {
  return { ok: false, code: "INVALID", detail };
}
