export { auditInsert, type RequestMeta } from "./service";
