export { authenticateApiKey } from "./service";
