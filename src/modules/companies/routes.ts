import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import { noOutstandingDispatchSql } from "../dispatches";
import {
  CompanyPage,
  CompanySchema,
  CreateCompanySchema,
  ListCompaniesQuery,
  toCompanyView,
  UpdateCompanySchema,
} from "./schemas";
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

companyRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Edit a company; `active: false` archives it, `true` restores it",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateCompanySchema) },
    responses: { 200: jsonContent(CompanySchema, "The company"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const company = await companies.updateCompany(
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

companyRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Archive a company (refused while dispatches to it are outstanding)",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader },
    responses: { 200: jsonContent(CompanySchema, "The archived company"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const company = await companies.archiveCompany(
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
