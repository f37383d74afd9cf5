/** What other modules may use of locations. */
export { DEFAULT_LOCATION_ID } from "../../db/schema";
export { locationRoutes } from "./routes";
export {
  existingLocationsQuery,
  fulfillingLocationIds,
  isFulfillingLocation,
  knownLocations,
  locationIdsByCode,
  requireLocations,
} from "./service";
