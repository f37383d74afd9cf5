import type { Database } from "../../db/client";
import { AppError } from "../../lib/errors";
import type { DispatchStock } from "./stock";

// TEMPORARY until the per-location stock object lands: stock lines cannot move yet.
const notYet = () =>
  new AppError("SERVICE_UNAVAILABLE", "Stock lines cannot be dispatched yet: per-location stock is not enabled.");

export function dispatchStock(_env: Env): DispatchStock {
  return {
    send: async () => {
      throw notYet();
    },
    unsend: async () => {},
    receive: async () => {
      throw notYet();
    },
  };
}

export async function resolveLocation(_db: Database, locationId: string | undefined): Promise<string> {
  return locationId ?? "MAIN";
}
