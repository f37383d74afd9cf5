/**
 * What any module may use of stock without the inventory API: the product's stock object
 * (its client and types) and reads of the D1 projection. Products sit below inventory and
 * need these too, which is why they are a module of their own.
 */
export type { InventoryDO } from "../../durable/inventory/object";
export { movementRow } from "../../durable/inventory/projection";
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
export { stockObject } from "./client";
export { type ProjectedLevel, projectedLevels } from "./levels";
export { moveUnits } from "./moves";
export { refusalError } from "./refusals";
export { syncLowStockThreshold } from "./threshold";
