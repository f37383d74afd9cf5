import { createRouter } from "./context";
import { authenticate } from "./middleware/authenticate";
import { authorize } from "./middleware/authorize";
import { handleError, handleNotFound } from "./middleware/error-handler";
import { apiRateLimit } from "./middleware/rate-limit";
import { requestContext } from "./middleware/request-context";
import { corsFromAllowList, limitBody, requireJsonBody, securityHeaders } from "./middleware/security";
import { apiKeyRoutes } from "./modules/api-keys/routes";
import { auditRoutes } from "./modules/audit/routes";
import { authRoutes } from "./modules/auth/routes";
import { docsRoutes } from "./modules/docs/routes";
import { healthRoutes } from "./modules/health/routes";
import { userRoutes } from "./modules/users/routes";

export function createApp() {
  const app = createRouter();

  app.use("*", requestContext, securityHeaders, corsFromAllowList);
  // Order matters: cheap refusals first, then who is calling, then how often, then may they.
  app.use("/v1/*", limitBody, requireJsonBody, authenticate, apiRateLimit, authorize);

  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/v1/auth", authRoutes);
  app.route("/v1/users", userRoutes);
  app.route("/v1/api-keys", apiKeyRoutes);
  app.route("/v1/audit-logs", auditRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A user access token (JWT) or an API key (`sk_…`, `pk_…`).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyHeader", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Stockroom API",
      version: "1.0.0",
      description: "Products, inventory and orders at the edge. Errors are RFC 9457 problem+json.",
    },
    servers: [{ url: "/" }],
  });

  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}
