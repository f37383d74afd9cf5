import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { type Logger, logger } from "../../lib/log";
import { allHubs } from "../../lib/stream-hubs";
import { flushOutbox } from "../../modules/events";
import { applyChecked, changeState, endHold, invalid, locationOf, receive, reserve, ship } from "./operations";
import { writeProjection } from "./projection";
import { abandonProjection, completeProjection, takeProjectionBatch } from "./projection-batch";
import {
  dueHolds,
  earliestHoldExpiry,
  insertReservation,
  pruneTombstones,
  reservationOf,
  transferLine,
} from "./records";
import { migrateStorage } from "./schema-versions";
import { StockStorage } from "./storage";
import type {
  AdjustInput,
  ChangeStateInput,
  LedgerQuery,
  Movement,
  MovementResult,
  OperationResult,
  ReceiveInput,
  Refusal,
  Reservation,
  ReservationResult,
  ReserveInput,
  RestockInput,
  SetCountInput,
  SetSafetyStockInput,
  ShipInput,
  StockLevel,
  TransferLine,
} from "./types";

const FLUSH_BATCH = 200;
/** If the immediate flush after a change is lost (eviction, crash), the alarm retries this soon. */
const FLUSH_SAFETY_MS = 5_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const EXPIRE_BATCH = 500;
/** Live-stock pushes coalesce over this window: watchers get the latest level, not every step. */
const PUBLISH_COALESCE_MS = 25;

/**
 * One object per product (`idFromName(product_id)`): the only writer of that
 * product's stock (docs/architecture.md, "Stock: the consistency model"). Every RPC method does its storage work
 * synchronously inside one transaction, so operations are serialised and the
 * invariant (every bucket >= 0, reserved + damaged + quarantine <= on_hand at each
 * location) is checked and kept by construction. Every
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
  private readonly log: Logger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Older objects are brought to the current layout before they answer anything.
    migrateStorage(ctx.storage.sql, (work) => ctx.storage.transactionSync(work));
    // The object is its product: callers address it by the product id and never repeat it.
    const productId = ctx.id.name;
    if (!productId) throw new Error("an InventoryDO is addressed by its product id (idFromName)");
    this.store = new StockStorage(ctx.storage.sql, productId);
    this.log = logger({ product_id: productId });
    ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  async snapshot(): Promise<StockLevel> {
    return this.store.level();
  }

  async adjust(input: AdjustInput): Promise<MovementResult> {
    if (!Number.isSafeInteger(input.delta) || input.delta === 0) return invalid("delta must be a non-zero integer");
    return this.movementOperation(input.movement_id, () =>
      applyChecked(
        this.store,
        {
          locationId: locationOf(input.location_id),
          operationId: input.movement_id,
          movementId: input.movement_id,
          reason: input.reason,
          deltas: { on_hand: input.delta },
          note: input.note ?? null,
          reference: input.reference ?? null,
          actor: input.actor ?? null,
        },
        -input.delta,
      ),
    );
  }

  /** A stock-take at one location, against the version of that location it was taken at. */
  async setCount(input: SetCountInput): Promise<MovementResult> {
    if (!Number.isSafeInteger(input.on_hand) || input.on_hand < 0)
      return invalid("on_hand must be a whole number >= 0");
    const locationId = locationOf(input.location_id);
    return this.movementOperation(input.movement_id, () => {
      const level = this.store.locationLevel(locationId);
      if (input.expected_version != null && input.expected_version !== level.version) {
        return { ok: false, code: "VERSION_MISMATCH", version: level.version, location_id: locationId };
      }
      // Units promised to holds, or set aside as damaged or in quarantine, cannot be counted away.
      return applyChecked(
        this.store,
        {
          locationId,
          operationId: input.movement_id,
          movementId: input.movement_id,
          reason: "cycle_count",
          deltas: { on_hand: input.on_hand - level.on_hand },
          note: input.note ?? null,
          actor: input.actor ?? null,
        },
        level.on_hand - input.on_hand,
      );
    });
  }

  async restock(input: RestockInput): Promise<MovementResult> {
    if (!Number.isSafeInteger(input.qty) || input.qty <= 0) return invalid("qty must be a whole number > 0");
    return this.movementOperation(input.movement_id, () =>
      this.store.apply({
        locationId: locationOf(input.location_id),
        operationId: input.movement_id,
        movementId: input.movement_id,
        reason: "restock",
        deltas: { on_hand: input.qty },
        reference: input.reference ?? null,
        actor: input.actor ?? null,
      }),
    );
  }

  /**
   * Moves units between states at one location: damaged, quarantined, written off, sent out
   * on a dispatch and back, or arriving from outside (returns). See `stateDeltas`.
   */
  async changeState(input: ChangeStateInput): Promise<MovementResult> {
    return this.movementOperation(input.movement_id, () => changeState(this.store, input));
  }

  /** Safety stock is withheld from sale at the location; it never makes available negative. */
  async setSafetyStock(input: SetSafetyStockInput): Promise<StockLevel | Refusal> {
    if (!Number.isSafeInteger(input.safety_stock) || input.safety_stock < 0)
      return invalid("safety_stock must be a whole number >= 0");
    this.ctx.storage.transactionSync(() => this.store.setSafetyStock(input.location_id, input.safety_stock));
    this.scheduleFlush();
    this.schedulePublish();
    return this.store.level();
  }

  /** One product's part of a transfer leaving its origin. */
  async shipTransfer(input: ShipInput): Promise<OperationResult> {
    return this.operation(input.movement_id, () => ship(this.store, input));
  }

  /** One product's part of a transfer arriving (partially, or written off as lost). */
  async receiveTransfer(input: ReceiveInput): Promise<OperationResult> {
    return this.operation(input.movement_id, () => receive(this.store, input));
  }

  async transfer(transferId: string): Promise<TransferLine | null> {
    return transferLine(this.store, transferId);
  }

  /**
   * All or nothing for this product: either `qty` units are held until `expires_at`, at one
   * candidate location if any has them all, else split across candidates, or nothing changes.
   */
  async reserve(input: ReserveInput): Promise<ReservationResult> {
    const existing = reservationOf(this.store, input.reservation_id);
    if (existing) return this.reservationAnswer(existing.id, true);
    if (!Number.isSafeInteger(input.qty) || input.qty <= 0) return invalid("qty must be a whole number > 0");
    if (!Number.isSafeInteger(input.ttl_seconds) || input.ttl_seconds <= 0) return invalid("ttl_seconds must be > 0");
    const expiresAt = Date.now() + input.ttl_seconds * 1000;
    const result = this.ctx.storage.transactionSync((): ReservationResult => {
      const refused = reserve(this.store, input, expiresAt);
      return refused ?? this.reservationAnswer(input.reservation_id, false);
    });
    if (result.ok) await this.armAlarm(expiresAt);
    return this.changed(result);
  }

  /** A sale: the held units leave the shelf, so on_hand and reserved both go down where they are held. */
  async commit(input: { reservation_id: string; actor?: string | null }): Promise<ReservationResult> {
    const result = this.ctx.storage.transactionSync((): ReservationResult => {
      const reservation = reservationOf(this.store, input.reservation_id);
      if (!reservation) return { ok: false, code: "RESERVATION_NOT_FOUND" };
      if (reservation.state === "committed") {
        return this.reservationAnswer(reservation.id, true);
      }
      if (reservation.state === "held" && Date.parse(reservation.expires_at) <= Date.now()) {
        // Past its time but not yet swept: it is expired, and a sale must not resurrect it.
        endHold(this.store, reservation.id, "expired");
        return { ok: false, code: "RESERVATION_NOT_HELD", state: "expired" };
      }
      if (reservation.state !== "held") return { ok: false, code: "RESERVATION_NOT_HELD", state: reservation.state };
      endHold(this.store, reservation.id, "sale", { actor: input.actor ?? null });
      return this.reservationAnswer(reservation.id, false);
    });
    return this.changed(result);
  }

  /**
   * Gives held units back. Releasing an unknown id leaves a released tombstone, so a
   * reserve delayed past the saga's rollback cannot create a hold nobody will release.
   * Every refused checkout leaves one, so each new tombstone prunes expired ones.
   */
  async release(input: { reservation_id: string; reason?: string | null }): Promise<ReservationResult> {
    const result = this.ctx.storage.transactionSync((): ReservationResult => {
      const reservation = reservationOf(this.store, input.reservation_id);
      if (!reservation) {
        pruneTombstones(this.store, Date.now());
        insertReservation(this.store, {
          id: input.reservation_id,
          orderId: null,
          state: "released",
          expiresAt: Date.now(),
          allocations: [],
        });
        return this.reservationAnswer(input.reservation_id, false);
      }
      if (reservation.state === "committed") return { ok: false, code: "RESERVATION_NOT_HELD", state: "committed" };
      if (reservation.state !== "held") {
        return this.reservationAnswer(reservation.id, true);
      }
      endHold(this.store, reservation.id, "released", { note: input.reason ?? null });
      return this.reservationAnswer(reservation.id, false);
    });
    return this.changed(result);
  }

  async reservation(reservationId: string): Promise<Reservation | null> {
    return reservationOf(this.store, reservationId) ?? null;
  }

  async ledger(query: LedgerQuery): Promise<Movement[]> {
    return this.store.ledger(query);
  }

  async setLowStockThreshold(threshold: number | null): Promise<StockLevel> {
    this.store.setThreshold(threshold);
    this.scheduleFlush();
    return this.store.level();
  }

  /** Expires due holds, retries the projection, and re-arms for the next due hold. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    let expired = 0;
    // The holds' orders are expired by their own workflows, which wait until the same time.
    this.ctx.storage.transactionSync(() => {
      for (const id of dueHolds(this.store, now, EXPIRE_BATCH)) {
        endHold(this.store, id, "expired");
        expired++;
      }
    });
    await this.flush();
    const next = earliestHoldExpiry(this.store);
    if (expired === EXPIRE_BATCH) await this.armAlarm(Date.now());
    else if (next !== null) await this.armAlarm(next);
  }

  private reservationAnswer(reservationId: string, replayed: boolean): ReservationResult {
    const reservation = reservationOf(this.store, reservationId);
    if (!reservation) throw new Error(`reservation ${reservationId} vanished inside its own transaction`);
    return { ok: true, reservation, level: this.store.level(), replayed };
  }

  /**
   * Runs an operation idempotent by its id in one transaction: a repeat answers with the
   * movements the first run made and changes nothing.
   */
  private async operation(operationId: string, work: () => Movement[] | Refusal): Promise<OperationResult> {
    const result = this.ctx.storage.transactionSync((): OperationResult => {
      const done = this.store.operation(operationId);
      if (done.length > 0) return { ok: true, movements: done, level: this.store.level(), replayed: true };
      const outcome = work();
      if (!Array.isArray(outcome)) return outcome;
      return { ok: true, movements: outcome, level: this.store.level(), replayed: false };
    });
    return this.changed(result);
  }

  /** An operation that makes one movement, answered with it. */
  private async movementOperation(operationId: string, work: () => Movement | Refusal): Promise<MovementResult> {
    const result = await this.operation(operationId, () => {
      const outcome = work();
      return "ok" in outcome ? outcome : [outcome];
    });
    if (!result.ok) return result;
    const [movement] = result.movements;
    if (!movement) throw new Error(`operation ${operationId} made no movement`);
    return { ok: true, movement, level: result.level, replayed: result.replayed };
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
    const level = this.store.level();
    try {
      await Promise.all(allHubs(this.env.STOCK_STREAM, this.env.STREAM_SHARDS).map((hub) => hub.publish(level)));
    } catch (err) {
      this.log.warn("live stock push failed", { error: err });
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
    do {
      this.flushAgain = false;
      const batch = takeProjectionBatch(this.store, FLUSH_BATCH);
      if (!batch) return;
      try {
        await writeProjection(this.env.DB, batch);
      } catch (err) {
        const failures = abandonProjection(this.store, batch);
        const backoff = Math.min(1000 * 2 ** failures, MAX_BACKOFF_MS);
        this.retryNotBefore = Date.now() + backoff;
        this.log.warn("stock projection failed", { failures, error: err });
        await this.armAlarm(Date.now() + backoff);
        return;
      }
      completeProjection(this.store, batch);
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
