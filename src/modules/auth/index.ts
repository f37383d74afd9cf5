export { authenticate } from "./authenticate";
export { pruneExpiredSessions } from "./retention";
