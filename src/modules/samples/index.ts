/** What other modules may use of samples. */
export { createSampleBatch, sampleRefusals } from "./batch";
export { allInStoreSql, markBack, markDispatched, samplesByIds } from "./dispatching";
export type { CreateSampleInput, SampleHistoryEntry, SampleRow } from "./schemas";
export { CreateSampleSchema, SampleDetailSchema, SampleSchema, toSampleView } from "./schemas";
export { loadSample } from "./service";
