/** What other modules may use of samples. */
export { allInStoreSql, markBack, markDispatched, samplesByIds } from "./dispatching";
export type { SampleHistoryEntry, SampleRow } from "./schemas";
export { SampleDetailSchema, SampleSchema, toSampleView } from "./schemas";
export { loadSample } from "./service";
