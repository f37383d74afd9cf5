/*
 * Company and sample routes that need dispatches, which in turn depend on companies and
 * samples: archiving a company (by PATCH or DELETE) is refused while dispatches to it are
 * outstanding, and a
 * sample's page lists the dispatches it went out on. These routes live here, mounted
 * beside each module's own, so that neither module depends on dispatches.
 */
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import { archiveCompany, CompanySchema, UpdateCompanySchema, updateCompany } from "../../modules/companies";
import { noOutstandingDispatchSql, sampleHistory } from "../../modules/dispatches";
import { loadSample, SampleDetailSchema, toSampleView } from "../../modules/samples";

/** `PATCH` and `DELETE /v1/companies/{id}`, mounted beside the company routes. */
export const companyArchiveRoutes = createRouter();
const companyParams = idParam("Company id (`cmp_…`)");

companyArchiveRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["Companies"],
    summary: "Edit a company; `active: false` archives it, `true` restores it",
    security: bearerSecurity,
    request: { params: companyParams, headers: ifMatchHeader, body: jsonBody(UpdateCompanySchema) },
    responses: { 200: jsonContent(CompanySchema, "The company"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const company = await updateCompany(
      c.get("db"),
      id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
      noOutstandingDispatchSql({ companyId: id }),
    );
    c.header("ETag", versionEtag(company.version));
    return c.json(company, 200);
  },
);

companyArchiveRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Companies"],
    summary: "Archive a company (refused while dispatches to it are outstanding)",
    security: bearerSecurity,
    request: { params: companyParams, headers: ifMatchHeader },
    responses: { 200: jsonContent(CompanySchema, "The archived company"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const company = await archiveCompany(
      c.get("db"),
      id,
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
      noOutstandingDispatchSql({ companyId: id }),
    );
    c.header("ETag", versionEtag(company.version));
    return c.json(company, 200);
  },
);

/** `GET /v1/samples/{id}`, mounted beside the sample routes. */
export const sampleDetailRoutes = createRouter();

sampleDetailRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Samples"],
    summary: "A sample with its history of dispatches and returns",
    security: bearerSecurity,
    request: { params: idParam("Sample id (`smp_…`)") },
    responses: { 200: jsonContent(SampleDetailSchema, "The sample"), ...problems(404) },
  }),
  async (c) => {
    const db = c.get("db");
    const { id } = c.req.valid("param");
    const [row, history] = await Promise.all([loadSample(db, id), sampleHistory(db, id)]);
    c.header("ETag", versionEtag(row.version));
    return c.json({ ...toSampleView(row), history }, 200);
  },
);
