export { availabilityOfQuery, lowStockCondition, projectedAvailability } from "./availability";
export { syncLowStockThreshold } from "./service";
export { stockObject } from "./stock";
