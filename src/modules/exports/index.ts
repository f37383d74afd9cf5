// What other modules and the queue consumers may use of exports.
export { csvLines, neutralise, restoreNeutralised } from "./csv";
export { runExport } from "./runner";
export { type ExportRunMessage, expireExports, failExport, resumeStalledExports } from "./service";
