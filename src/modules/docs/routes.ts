import { Hono } from "hono";
import type { AppEnv } from "../../context";
import { ERRORS_PAGE } from "./errors-page";

/*
 * The interactive reference is Swagger UI served from this worker's static assets
 * (copied from the swagger-ui-dist package by scripts/copy-docs-assets.mjs), so
 * /docs works with no internet access. The initializer is a file of its own because
 * the Content-Security-Policy forbids inline scripts.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Stockroom API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
});`;

export const docsRoutes = new Hono<AppEnv>();

// The root says where to go: the reference for people, the document for tools.
docsRoutes.get("/", (c) =>
  c.json({ name: "Stockroom API", docs: "/docs", errors: "/docs/errors", openapi: "/openapi.json", health: "/health" }),
);
docsRoutes.get("/docs", (c) => c.html(PAGE));
docsRoutes.get("/docs/errors", (c) => c.html(ERRORS_PAGE));
docsRoutes.get("/docs/init.js", (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }));
docsRoutes.get("/docs/assets/*", (c) => c.env.ASSETS.fetch(c.req.raw));
