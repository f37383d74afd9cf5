import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { log } from "../../lib/log";
import { stockObject } from "../../modules/stock";
import {
  endedHolders,
  hiddenProducts,
  MAX_MESSAGE_BYTES,
  MAX_SUBSCRIPTIONS,
  RECHECK_SECONDS,
  SESSION_ENDED_CLOSE_CODE,
  type StreamCredential,
  type StreamHolder,
} from "../../modules/stream";
import type { StockLevel } from "../inventory/types";

const UNSENDABLE_CLOSE_CODES = new Set([1005, 1006, 1015]);

/** What a socket remembers across hibernation: who it is and what it watches. */
interface Attachment extends StreamHolder {
  actorId: string;
  all: boolean;
  products: string[];
}

function credentialFrom(header: string | null): StreamCredential | undefined {
  if (header === null) return undefined;
  const value: unknown = JSON.parse(header);
  if (typeof value !== "object" || value === null || !("kind" in value) || !("id" in value)) return undefined;
  const { kind, id } = value;
  return (kind === "session" || kind === "api_key") && typeof id === "string" ? { kind, id } : undefined;
}

export interface StockMessage {
  type: "stock";
  product_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  version: number;
  at: string;
  /** Staff only: each location's buckets. */
  locations?: StockLevel["locations"];
}

/** The message for staff (with the per-location breakdown) and for everyone else (totals only). */
function stockMessages(level: StockLevel): { staff: string; total: string } {
  const message: StockMessage = {
    type: "stock",
    product_id: level.product_id,
    on_hand: level.on_hand,
    reserved: level.reserved,
    available: level.available,
    version: level.version,
    at: level.updated_at ?? new Date().toISOString(),
  };
  return { total: JSON.stringify(message), staff: JSON.stringify({ ...message, locations: level.locations }) };
}

function isStaff(socket: WebSocket): boolean {
  return (socket.deserializeAttachment() as Attachment | null)?.staff === true;
}

/**
 * A hub of live-stock WebSockets. Sockets are
 * hibernatable: an idle connection costs no memory or CPU, and its subscriptions live
 * in its attachment. InventoryDO objects push each product's latest level here;
 * the hub forwards it to the sockets watching that product, or watching everything.
 * Watchers scale by sharding hubs (STREAM_SHARDS); see README "Live stock".
 * While any socket is open, an alarm every RECHECK_SECONDS closes the sockets whose
 * session or key has ended and drops products that stopped being published from
 * non-staff subscriptions (src/modules/stream/access.ts).
 */
export class StockStreamDO extends DurableObject<Env> {
  /** product id → sockets; rebuilt from attachments after hibernation. */
  private index: Map<string, Set<WebSocket>> | null = null;

  override async fetch(request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    const attachment: Attachment = {
      actorId: request.headers.get("x-stream-actor") ?? "unknown",
      credential: credentialFrom(request.headers.get("x-stream-credential")),
      staff: request.headers.get("x-stream-staff") === "true",
      all: false,
      products: [],
    };
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(attachment);
    if ((await this.ctx.storage.getAlarm()) === null) await this.scheduleRecheck();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** The re-check: ended sessions and keys lose their sockets, non-staff lose unpublished products. */
  override async alarm(): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) return;
    try {
      await this.recheck();
    } catch (err) {
      log.warn("live stock re-check failed", { error: err });
    }
    if (this.ctx.getWebSockets().length > 0) await this.scheduleRecheck();
  }

  private async scheduleRecheck(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + RECHECK_SECONDS * 1000);
  }

  private async recheck(): Promise<void> {
    const db = createDb(this.env.DB);
    const open = this.attached();
    const ended = await endedHolders(
      db,
      open.map(([, attachment]) => attachment),
    );
    const watched = open.flatMap(([, a]) => (ended.has(a) || a.staff ? [] : a.products));
    const hidden = await hiddenProducts(db, false, [...new Set(watched)]);
    // Attachments are read again: messages may have changed them while D1 answered.
    for (const [socket, before] of open) {
      const attachment = socket.deserializeAttachment() as Attachment | null;
      if (!attachment) continue;
      if (ended.has(before)) {
        socket.serializeAttachment({ ...attachment, all: false, products: [] });
        this.index = null;
        try {
          socket.close(SESSION_ENDED_CLOSE_CODE, "The session or API key this stream was opened with has ended.");
        } catch {
          // Already closing.
        }
        continue;
      }
      if (attachment.staff) continue;
      const dropped = attachment.products.filter((id) => hidden.has(id));
      if (dropped.length === 0) continue;
      const next = { ...attachment, products: attachment.products.filter((id) => !hidden.has(id)) };
      socket.serializeAttachment(next);
      this.index = null;
      this.reply(socket, { type: "subscribed", all: next.all, product_ids: next.products, not_found: dropped });
    }
  }

  private attached(): [WebSocket, Attachment][] {
    return this.ctx.getWebSockets().flatMap((socket) => {
      const attachment = socket.deserializeAttachment() as Attachment | null;
      return attachment ? [[socket, attachment] as [WebSocket, Attachment]] : [];
    });
  }

  /** Called by a product's InventoryDO with its latest level. */
  async publish(level: StockLevel): Promise<number> {
    const texts = stockMessages(level);
    const index = this.subscriptions();
    const targets = new Set([...(index.get(level.product_id) ?? []), ...(index.get("*") ?? [])]);
    for (const socket of targets) {
      try {
        socket.send(isStaff(socket) ? texts.staff : texts.total);
      } catch {
        // A socket closing under us; its close handler tidies up.
      }
    }
    return targets.size;
  }

  override async webSocketMessage(socket: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const size = typeof raw === "string" ? new TextEncoder().encode(raw).byteLength : raw.byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      socket.close(1009, "message too large");
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
    } catch {
      request = undefined;
    }
    // `null`, numbers, strings and arrays are JSON too, but not a request.
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      return this.reply(socket, { type: "error", message: 'Send a JSON object such as {"subscribe": ["prd_…"]}.' });
    }
    const { subscribe } = request as { subscribe?: unknown };
    const asked = Array.isArray(subscribe) ? subscribe.filter((id): id is string => typeof id === "string") : [];
    const hidden = await hiddenProducts(createDb(this.env.DB), isStaff(socket), asked);
    // Read after the lookup: another message may have changed the subscription meanwhile.
    const attachment = socket.deserializeAttachment() as Attachment;
    const next = applyRequest(attachment, request, hidden);
    if ("error" in next) return this.reply(socket, { type: "error", message: next.error });
    socket.serializeAttachment(next);
    this.index = null;
    this.reply(socket, { type: "subscribed", all: next.all, product_ids: next.products, not_found: [...hidden] });
    await this.sendCurrentLevels(
      socket,
      next.products.filter((id) => !attachment.products.includes(id)),
    );
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    this.index = null;
    // 1005, 1006 and 1015 describe how a connection ended and may never be sent, so they are not echoed.
    try {
      socket.close(UNSENDABLE_CLOSE_CODES.has(code) ? 1000 : code, "closing");
    } catch {
      // Already gone: nothing to answer.
    }
  }

  override async webSocketError(): Promise<void> {
    this.index = null;
  }

  private reply(socket: WebSocket, body: Record<string, unknown>): void {
    socket.send(JSON.stringify(body));
  }

  /** A new subscriber gets the current level at once instead of waiting for the next change. */
  private async sendCurrentLevels(socket: WebSocket, productIds: string[]): Promise<void> {
    const levels = await Promise.all(productIds.map((id) => stockObject(this.env.INVENTORY, id).snapshot()));
    const staff = isStaff(socket);
    for (const level of levels) {
      if (level.version === 0) continue;
      const texts = stockMessages(level);
      socket.send(staff ? texts.staff : texts.total);
    }
  }

  private subscriptions(): Map<string, Set<WebSocket>> {
    if (this.index) return this.index;
    const index = new Map<string, Set<WebSocket>>();
    for (const socket of this.ctx.getWebSockets()) {
      const attachment = socket.deserializeAttachment() as Attachment | null;
      if (!attachment) continue;
      for (const key of attachment.all ? ["*"] : attachment.products) {
        if (!index.has(key)) index.set(key, new Set());
        index.get(key)?.add(socket);
      }
    }
    this.index = index;
    return index;
  }
}

const PRODUCT_ID = /^prd_[0-9a-z]{10,60}$/;

/** Validates one subscribe/unsubscribe message against the socket's current state; `hidden` ids are not subscribed. */
function applyRequest(
  current: Attachment,
  request: { subscribe?: unknown; unsubscribe?: unknown },
  hidden: Set<string>,
): Attachment | { error: string } {
  const products = new Set(current.products);
  let all = current.all;
  for (const [field, add] of [
    ["subscribe", true],
    ["unsubscribe", false],
  ] as const) {
    const value = request[field];
    if (value === undefined) continue;
    if (value === "*") {
      if (add && !current.staff) return { error: "Only staff may subscribe to every product." };
      all = add;
      continue;
    }
    if (!Array.isArray(value) || !value.every((id) => typeof id === "string" && PRODUCT_ID.test(id))) {
      return { error: `"${field}" takes an array of product ids, or "*".` };
    }
    for (const id of value) {
      if (!add) products.delete(id);
      else if (!hidden.has(id)) products.add(id);
    }
  }
  if (request.subscribe === undefined && request.unsubscribe === undefined) {
    return { error: 'Expected "subscribe" or "unsubscribe".' };
  }
  if (products.size > MAX_SUBSCRIPTIONS) return { error: `At most ${MAX_SUBSCRIPTIONS} products per connection.` };
  return { ...current, all, products: [...products] };
}
