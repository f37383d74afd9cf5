export { authenticate } from "./authenticate";
