import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { requestMeta } from "../../middleware/actor";
import { SettingsPatchSchema, SettingsResponse, SettingsSchema } from "./schemas";
import { getSettings, patchSettings, updateSettings } from "./service";

const tags = ["Settings"];
// PUT and PATCH both edit the version the client read.
const ifMatchHeader = z.object({
  "if-match": z.string().optional().openapi({ description: "Required: the ETag you edited." }),
});
export const settingsRoutes = createRouter();

settingsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "The store settings, with an ETag",
    security: bearerSecurity,
    responses: { 200: jsonContent(SettingsResponse, "The settings"), ...problems() },
  }),
  async (c) => {
    const view = await getSettings(c.get("db"));
    c.header("ETag", versionEtag(view.version));
    return c.json(view, 200);
  },
);

settingsRoutes.openapi(
  createRoute({
    method: "put",
    path: "/",
    tags,
    summary: "Replace the store settings (If-Match required)",
    security: bearerSecurity,
    request: {
      headers: ifMatchHeader,
      body: jsonBody(SettingsSchema),
    },
    responses: { 200: jsonContent(SettingsResponse, "The saved settings"), ...problems(412, 428) },
  }),
  async (c) => {
    const view = await updateSettings(
      c.get("db"),
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(view.version));
    return c.json(view, 200);
  },
);

settingsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/",
    tags,
    summary: "Change some store settings (If-Match required)",
    description: "The fields sent replace those of the version named by If-Match; the others keep their values.",
    security: bearerSecurity,
    request: {
      headers: ifMatchHeader,
      body: jsonBody(SettingsPatchSchema),
    },
    responses: { 200: jsonContent(SettingsResponse, "The saved settings"), ...problems(412, 428) },
  }),
  async (c) => {
    const view = await patchSettings(
      c.get("db"),
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(view.version));
    return c.json(view, 200);
  },
);
