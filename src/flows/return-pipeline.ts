import type { EventMessage } from "../modules/events";
import { moveReceivedStock } from "../modules/returns";
import { type PipelineStep, runOrderPipelineForEvent } from "./order-pipeline";

/**
 * What a return's events trigger, run by the EVENTS consumer with the order pipeline's
 * bookkeeping (once per event and step, retried on failure): `return.received` moves
 * the arrived units into stock, which the request already tried; the movement ids are
 * derived from the receipt, so whichever run comes second moves nothing.
 */
export const RETURN_PIPELINE: readonly PipelineStep[] = [
  {
    name: "return_stock",
    on: ["return.received"],
    async run(deps, event) {
      if (!(await moveReceivedStock(deps.db, deps.objects, event.resourceId, null))) {
        throw new Error(`moving the units of return ${event.resourceId} into stock failed`);
      }
    },
  },
];

export function runReturnPipelineForEvent(env: Env, message: EventMessage): Promise<void> {
  return runOrderPipelineForEvent(env, message, RETURN_PIPELINE);
}
