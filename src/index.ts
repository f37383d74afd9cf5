import { createApp } from "./app";
import { handleScheduled } from "./jobs";
import { handleQueue } from "./queues";

export { InventoryDO } from "./durable/inventory/object";
export { StockStreamDO } from "./durable/stream/object";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
