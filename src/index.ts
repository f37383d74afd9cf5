import { createApp } from "./app";
import { handleScheduled } from "./jobs";
import { handleQueue } from "./queues";

export { InventoryDO } from "./durable/inventory/object";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
