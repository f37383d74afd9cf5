export { authenticate } from "./authenticate";
export { pruneExpiredSessions } from "./retention";
export { openSessionRoles } from "./sessions";
