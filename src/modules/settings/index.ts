export type { SettingsView } from "./schemas";
export { getSettings, readSettings } from "./service";
