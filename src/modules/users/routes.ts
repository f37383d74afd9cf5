import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { CreateUserSchema, ListUsersQuery, UpdateUserSchema, UserPage, UserSchema } from "./schemas";
import * as users from "./service";

const tags = ["Users"];
const params = idParam("User id (`usr_…`)");
const ifMatch = z.object({
  "if-match": z.string().optional().openapi({ description: "ETag of the version you edited." }),
});
export const userRoutes = createRouter();

userRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List users",
    security: bearerSecurity,
    request: { query: ListUsersQuery },
    responses: { 200: jsonContent(UserPage, "A page of users"), ...problems() },
  }),
  async (c) => c.json(await users.listUsers(c.get("db"), c.req.valid("query")), 200),
);

userRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create a user with any role",
    security: bearerSecurity,
    request: { body: jsonBody(CreateUserSchema) },
    responses: { 201: jsonContent(UserSchema, "The created user"), ...problems(409) },
  }),
  async (c) => {
    const user = await users.createUser(c.get("db"), c.req.valid("json"), requestMeta(c));
    c.header("Location", `/v1/users/${user.id}`);
    c.header("ETag", versionEtag(user.version));
    return c.json(user, 201);
  },
);

userRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a user (admins: anyone; others: themselves)",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(UserSchema, "The user"), ...problems(404) },
  }),
  async (c) => {
    const user = await users.getUser(c.get("db"), actorOf(c), c.req.valid("param").id);
    c.header("ETag", versionEtag(user.version));
    return c.json(user, 200);
  },
);

userRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Change a user's name, role or status",
    security: bearerSecurity,
    request: { params, headers: ifMatch, body: jsonBody(UpdateUserSchema) },
    responses: { 200: jsonContent(UserSchema, "The updated user"), ...problems(404, 409, 412) },
  }),
  async (c) => {
    const user = await users.updateUser(
      c.get("db"),
      c.req.valid("param").id,
      c.req.valid("json"),
      ifMatchVersion(c.req.header("if-match")),
      requestMeta(c),
    );
    c.header("ETag", versionEtag(user.version));
    return c.json(user, 200);
  },
);

userRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    summary: "Deactivate a user (their sessions end at once)",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(UserSchema, "The deactivated user"), ...problems(404, 409) },
  }),
  async (c) => c.json(await users.deactivateUser(c.get("db"), c.req.valid("param").id, requestMeta(c)), 200),
);
