import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { requestMeta } from "../../middleware/actor";
import { CompanyPage, CompanySchema, CreateCompanySchema, ListCompaniesQuery, toCompanyView } from "./schemas";
import * as companies from "./service";

const tags = ["Companies"];
const params = idParam("Company id (`cmp_…`)");
export const companyRoutes = createRouter();

companyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List companies (active ones unless asked), oldest first",
    security: bearerSecurity,
    request: { query: ListCompaniesQuery },
    responses: { 200: jsonContent(CompanyPage, "A page of companies"), ...problems() },
  }),
  async (c) => c.json(await companies.listCompanies(c.get("db"), c.req.valid("query")), 200),
);

companyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Register a client, laboratory or contractor",
    security: bearerSecurity,
    request: { body: jsonBody(CreateCompanySchema) },
    responses: { 201: jsonContent(CompanySchema, "The company"), ...problems(409) },
  }),
  async (c) => {
    const company = await companies.createCompany(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/companies/${company.id}`);
    c.header("ETag", versionEtag(company.version));
    return c.json(company, 201);
  },
);

companyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a company",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(CompanySchema, "The company"), ...problems(404) },
  }),
  async (c) => {
    const company = toCompanyView(await companies.loadCompany(c.get("db"), c.req.valid("param").id));
    c.header("ETag", versionEtag(company.version));
    return c.json(company, 200);
  },
);
