import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { ifMatchHeader } from "../../lib/schemas";
import { requestMeta } from "../../middleware/actor";
import {
  CreateProjectSchema,
  ListProjectsQuery,
  ProjectPage,
  ProjectSchema,
  toProjectView,
  UpdateProjectSchema,
} from "./project-schemas";
import * as projects from "./projects";

const tags = ["Projects"];
const params = idParam("Project id (`prj_…`)");
export const projectRoutes = createRouter();

projectRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List projects, by company and status",
    security: bearerSecurity,
    request: { query: ListProjectsQuery },
    responses: { 200: jsonContent(ProjectPage, "A page of projects"), ...problems() },
  }),
  async (c) => c.json(await projects.listProjects(c.get("db"), c.req.valid("query")), 200),
);

projectRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create a project of a company",
    security: bearerSecurity,
    request: { body: jsonBody(CreateProjectSchema) },
    responses: { 201: jsonContent(ProjectSchema, "The project"), ...problems(409) },
  }),
  async (c) => {
    const project = await projects.createProject(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/projects/${project.id}`);
    c.header("ETag", versionEtag(project.version));
    return c.json(project, 201);
  },
);

projectRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a project",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(ProjectSchema, "The project"), ...problems(404) },
  }),
  async (c) => {
    const project = toProjectView(await projects.loadProject(c.get("db"), c.req.valid("param").id));
    c.header("ETag", versionEtag(project.version));
    return c.json(project, 200);
  },
);

projectRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Edit a project; `status: closed` stops new dispatches",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader, body: jsonBody(UpdateProjectSchema) },
    responses: { 200: jsonContent(ProjectSchema, "The project"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const project = await projects.updateProject(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(project.version));
    return c.json(project, 200);
  },
);

projectRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Delete a project nothing refers to (one with drillholes or dispatches is closed instead)",
    security: bearerSecurity,
    request: { params, headers: ifMatchHeader },
    responses: { 204: { description: "Deleted" }, ...problems(404, 409, 412) },
  }),
  async (c) => {
    await projects.deleteProject(
      c.get("db"),
      c.req.valid("param").id,
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    return c.body(null, 204);
  },
);
