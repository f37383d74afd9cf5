export * from "./events";
export * from "./identity";
export * from "./inventory";
export * from "./catalog";
