export { getSettings } from "./service";
