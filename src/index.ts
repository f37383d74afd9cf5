import { createApp } from "./app";
import { handleScheduled } from "./jobs";
import { handleQueue } from "./queues";

export { InventoryDO } from "./durable/inventory";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
