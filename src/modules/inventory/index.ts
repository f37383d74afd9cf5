/** What other modules may use of inventory: the stock objects' API and the projection's reads. */
export type { InventoryDO } from "../../durable/inventory/object";
export type {
  Allocation,
  ChangeStateInput,
  LocationLevel,
  Movement,
  MovementReason,
  Refusal,
  Reservation,
  StateSource,
  StateTarget,
  StockLevel,
  UnitState,
} from "../../durable/inventory/types";
export { availabilityOfQuery, lowStockCondition, projectedAvailability } from "./availability";
export { moveUnits } from "./moves";
export { refusalError } from "./refusals";
export { inventoryRoutes } from "./routes";
export { requireProducts, syncLowStockThreshold } from "./service";
export { stockObject } from "./stock";
