import { createApp } from "./app";
import { handleScheduled } from "./jobs";
import { withServerTiming } from "./lib/server-timing";
import { handleQueue } from "./queues";

export { InventoryDO } from "./durable/inventory/object";
export { StockStreamDO } from "./durable/stream/object";
export { OrderFlow } from "./flows/order-flow/workflow";

const app = createApp();

export default {
  fetch: withServerTiming(app.fetch),
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
