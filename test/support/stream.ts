import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";

/** Opens a live-stock socket through the worker, as a browser would; the raw upgrade answer. */
export async function openStream(token: string, origin?: string) {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (origin) headers.origin = origin;
  return exports.default.fetch(
    new Request(`https://stockroom.test/v1/stream?access_token=${encodeURIComponent(token)}`, { headers }),
  );
}

export type StreamMessage = Record<string, unknown>;

/** Everything a socket receives, and how it was closed. */
export function collect(socket: WebSocket) {
  const received: StreamMessage[] = [];
  let closedWith: { code: number; reason: string } | null = null;
  socket.addEventListener("message", (event) => {
    received.push(JSON.parse(event.data as string));
  });
  socket.addEventListener("close", (event) => {
    closedWith = { code: event.code, reason: event.reason };
  });
  const until = async <T>(probe: () => T | undefined, what: () => string, timeoutMs = 2000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = probe();
      if (hit !== undefined) return hit;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(what());
  };
  return {
    received,
    waitFor(predicate: (m: StreamMessage) => boolean, timeoutMs = 2000) {
      return until(
        () => received.find(predicate),
        () => `no matching message; got ${JSON.stringify(received)}`,
        timeoutMs,
      );
    },
    /** The close code and reason, once the server has closed the socket. */
    closed(timeoutMs = 2000) {
      return until(
        () => closedWith ?? undefined,
        () => "the socket was not closed",
        timeoutMs,
      );
    },
    get isClosed() {
      return closedWith !== null;
    },
  };
}

/** A socket opened with `token`, accepted, with its inbox. */
export async function connect(token: string) {
  const response = await openStream(token);
  if (response.status !== 101) throw new Error(`stream upgrade failed: ${response.status}`);
  const socket = response.webSocket as WebSocket;
  socket.accept();
  return { socket, inbox: collect(socket) };
}

/** Runs the hub's periodic re-check now instead of waiting for it (STREAM_SHARDS is 1: one hub). */
export async function runStreamRecheck(): Promise<boolean> {
  return runDurableObjectAlarm(env.STOCK_STREAM.get(env.STOCK_STREAM.idFromName("stream-0")));
}
