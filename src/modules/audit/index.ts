export { auditInsert, auditInserts, type RequestMeta } from "./service";
