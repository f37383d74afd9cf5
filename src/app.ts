import { createRouter } from "./context";
import { categoryRemovalRoutes, productRemovalRoutes } from "./flows/catalog-removal/routes";
import { companyArchiveRoutes, sampleDetailRoutes } from "./flows/dispatch-records/routes";
import { orderRoutes } from "./flows/order-api/routes";
import { orderFlowRoutes } from "./flows/order-flow/routes";
import { pointOfSaleRoutes } from "./flows/point-of-sale/routes";
import { withOperationIds } from "./lib/operation-ids";
import { authorize } from "./middleware/authorize";
import { d1Session } from "./middleware/d1-session";
import { handleError, handleNotFound } from "./middleware/error-handler";
import { allowedMethodsOf } from "./middleware/method-not-allowed";
import { withAppWideDocs } from "./middleware/openapi-docs";
import { apiRateLimit } from "./middleware/rate-limit";
import { requestContext } from "./middleware/request-context";
import { corsFromAllowList, limitBody, privateAnswers, requireJsonBody, securityHeaders } from "./middleware/security";
import { apiKeyRoutes } from "./modules/api-keys/routes";
import { auditRoutes } from "./modules/audit/routes";
import { authenticate } from "./modules/auth";
import { authRoutes } from "./modules/auth/routes";
import { categoryRoutes } from "./modules/categories/routes";
import { drillholeRoutes, projectRoutes } from "./modules/companies";
import { companyRoutes } from "./modules/companies/routes";
import { customerRoutes } from "./modules/customers/routes";
import { dispatchRoutes } from "./modules/dispatches/routes";
import { docsRoutes } from "./modules/docs/routes";
import { publishOutboxAfterCommit, registerWebhookDocs } from "./modules/events";
import { eventRoutes, eventTypeRoutes } from "./modules/events/routes";
import { exportRoutes } from "./modules/exports/routes";
import { healthRoutes } from "./modules/health/routes";
import { imageRoutes, productImageRoutes } from "./modules/images/routes";
import { importRoutes } from "./modules/imports/routes";
import { inventoryRoutes } from "./modules/inventory/routes";
import { invoiceRoutes } from "./modules/invoices/routes";
import { locationRoutes } from "./modules/locations";
import { stuckOrderRoutes } from "./modules/orders/stuck-routes";
import { productRoutes } from "./modules/products/routes";
import { reportRoutes } from "./modules/reports/routes";
import { returnActionRoutes } from "./modules/returns/action-routes";
import { orderReturnRoutes, returnRoutes } from "./modules/returns/routes";
import { productReviewRoutes, reviewRoutes } from "./modules/reviews/routes";
import { sampleBatchRoutes, sampleRoutes } from "./modules/samples/routes";
import { settingsRoutes } from "./modules/settings/routes";
import { storefrontRoutes } from "./modules/storefront/routes";
import { streamRoutes } from "./modules/stream/routes";
import { transferRoutes } from "./modules/transfers";
import { userRoutes } from "./modules/users/routes";
import { webhookDeliveryRoutes } from "./modules/webhooks/deliveries/routes";
import { webhookRoutes } from "./modules/webhooks/routes";

type App = ReturnType<typeof createRouter>;
export type OpenApiDocument = ReturnType<App["getOpenAPI31Document"]>;

/** The OpenAPI document of every route mounted on `app` (served at /openapi.json; the client package is generated from it). */
export function openApiDocument(app: App): OpenApiDocument {
  return withAppWideDocs(
    withOperationIds(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "Stockroom API",
          version: "1.0.0",
          description: "Products, inventory and orders at the edge. Errors are RFC 9457 problem+json.",
        },
        servers: [{ url: "/" }],
      }),
    ),
  );
}

export function createApp() {
  const app = createRouter();

  app.use("*", requestContext, securityHeaders, corsFromAllowList);
  // Order matters: cheap refusals first, then the request's D1 session, then who is
  // calling, then how often, then may they.
  app.use("/v1/*", privateAnswers, limitBody, requireJsonBody, d1Session, authenticate, apiRateLimit, authorize);
  // Events committed by a successful mutation go to the EVENTS queue after the response.
  app.use("/v1/*", publishOutboxAfterCommit);

  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/v1/auth", authRoutes);
  app.route("/v1/users", userRoutes);
  app.route("/v1/api-keys", apiKeyRoutes);
  app.route("/v1/audit-logs", auditRoutes);
  app.route("/v1/categories", categoryRoutes);
  app.route("/v1/categories", categoryRemovalRoutes);
  // Reviews first: GET /v1/products/by-barcode/reviews matches both it and
  // /{id}/reviews, and the first mounted handler answers (a harmless 404 this way).
  app.route("/v1/products", productReviewRoutes);
  app.route("/v1/products", productRoutes);
  app.route("/v1/products", productRemovalRoutes);
  app.route("/v1/products", productImageRoutes);
  app.route("/v1/images", imageRoutes);
  app.route("/v1/store", storefrontRoutes);
  app.route("/v1/reviews", reviewRoutes);
  app.route("/v1/events", eventRoutes);
  app.route("/v1/event-types", eventTypeRoutes);
  app.route("/v1/webhooks", webhookRoutes);
  app.route("/v1/webhook-deliveries", webhookDeliveryRoutes);
  app.route("/v1/inventory", inventoryRoutes);
  app.route("/v1/locations", locationRoutes);
  app.route("/v1/transfers", transferRoutes);
  app.route("/v1/stream", streamRoutes);
  app.route("/v1/settings", settingsRoutes);
  app.route("/v1/orders", stuckOrderRoutes);
  app.route("/v1/orders", orderFlowRoutes);
  app.route("/v1/orders", orderRoutes);
  app.route("/v1/orders", orderReturnRoutes);
  app.route("/v1/returns", returnRoutes);
  app.route("/v1/returns", returnActionRoutes);
  app.route("/v1/invoices", pointOfSaleRoutes);
  app.route("/v1/invoices", invoiceRoutes);
  app.route("/v1/customers", customerRoutes);
  app.route("/v1/exports", exportRoutes);
  app.route("/v1/reports", reportRoutes);
  app.route("/v1/imports", importRoutes);
  app.route("/v1/companies", companyRoutes);
  app.route("/v1/companies", companyArchiveRoutes);
  app.route("/v1/projects", projectRoutes);
  app.route("/v1/drillholes", drillholeRoutes);
  app.route("/v1/samples", sampleRoutes);
  app.route("/v1/samples", sampleDetailRoutes);
  app.route("/v1", sampleBatchRoutes);
  app.route("/v1/dispatches", dispatchRoutes);

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
  registerWebhookDocs(app.openAPIRegistry);
  let document: OpenApiDocument | undefined;
  app.get("/openapi.json", (c) => {
    document ??= openApiDocument(app);
    return c.json(document);
  });

  // Built on first use, when every route is mounted.
  let allowedMethods: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    allowedMethods ??= allowedMethodsOf(app.routes);
    return handleNotFound(c, allowedMethods(c.req.path));
  });
  app.onError(handleError);
  return app;
}
