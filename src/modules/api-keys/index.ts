export { authenticateApiKey, workingApiKeyIds } from "./service";
