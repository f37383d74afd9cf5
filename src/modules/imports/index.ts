// What the queue consumers and the cron may use of imports.
export { applyImport, failImport } from "./apply";
export { type ImportApplyMessage, resumeStalledImports } from "./service";
