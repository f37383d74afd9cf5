// What the queue consumers and the cron may use of imports.
export { applyImport } from "./apply";
export { failImport, type ImportApplyMessage, resumeStalledImports } from "./service";
