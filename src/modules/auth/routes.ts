import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, clientIp, requestMeta, userOf } from "../../middleware/actor";
import { permissionsOf } from "../../middleware/permissions";
import { enforceRateLimit } from "../../middleware/rate-limit";
import { UserSchema } from "../users";
import {
  CallerSchema,
  ChangePasswordSchema,
  LoginSchema,
  RefreshSchema,
  RegisterSchema,
  SessionSchema,
  UpdateProfileSchema,
} from "./schemas";
import * as auth from "./service";

const tags = ["Auth"];
export const authRoutes = createRouter();

/**
 * Login and sign-up are limited twice: per IP and email (guessing one account's
 * password), and per IP across emails (one address trying many accounts, or opening
 * many), the two actions counted apart.
 */
async function limitAuthAttempt(env: Env, action: "login" | "register", ip: string | null, email: string) {
  await enforceRateLimit(env.RATE_LIMIT_AUTH_IP, `${action}|${ip ?? "unknown"}`);
  await enforceRateLimit(env.RATE_LIMIT_AUTH, `${ip ?? "unknown"}|${email}`);
}
/**
 * A check of the current password is a password guess like a login: with a stolen
 * access token it would otherwise be an oracle at the general API rate. Counted per
 * account under the login limit.
 */
const limitPasswordChecks = (limiter: RateLimit, userId: string) => enforceRateLimit(limiter, `password|${userId}`);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/register",
    tags,
    summary: "Sign up as a customer",
    request: { body: jsonBody(RegisterSchema) },
    responses: { 201: jsonContent(SessionSchema, "The new account, signed in"), ...problems(409) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await limitAuthAttempt(c.env, "register", clientIp(c), body.email);
    const session = await auth.register(c.get("db"), c.env, body, requestMeta(c), c.req.header("user-agent") ?? null);
    return c.json(session, 201);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/login",
    tags,
    summary: "Sign in with email and password",
    request: { body: jsonBody(LoginSchema) },
    responses: { 200: jsonContent(SessionSchema, "Signed in"), ...problems() },
  }),
  async (c) => {
    const body = c.req.valid("json");
    await limitAuthAttempt(c.env, "login", clientIp(c), body.email);
    return c.json(await auth.login(c.get("db"), c.env, body, requestMeta(c), c.req.header("user-agent") ?? null), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/refresh",
    tags,
    summary: "Trade a refresh token for a new token pair (the old one stops working)",
    request: { body: jsonBody(RefreshSchema) },
    responses: { 200: jsonContent(SessionSchema, "A new token pair"), ...problems() },
  }),
  async (c) => c.json(await auth.refresh(c.get("db"), c.env, c.req.valid("json").refresh_token), 200),
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/logout",
    tags,
    summary: "End the current session",
    security: bearerSecurity,
    responses: { 204: { description: "Signed out" }, ...problems() },
  }),
  async (c) => {
    await auth.logout(c.get("db"), userOf(c));
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags,
    summary: "Who is calling, and what they may do",
    security: bearerSecurity,
    responses: { 200: jsonContent(CallerSchema, "The caller"), ...problems() },
  }),
  async (c) => {
    const actor = actorOf(c);
    const permissions = permissionsOf(actor);
    if (actor.kind === "user") {
      const user = await auth.getProfile(c.get("db"), actor);
      return c.json({ kind: "user" as const, user, api_key: null, permissions }, 200);
    }
    const api_key = { id: actor.id, type: actor.type, scopes: actor.scopes };
    return c.json({ kind: "api_key" as const, user: null, api_key, permissions }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/me",
    tags,
    summary: "Update your own name or email",
    security: bearerSecurity,
    request: { body: jsonBody(UpdateProfileSchema) },
    responses: { 200: jsonContent(UserSchema, "The updated account"), ...problems(409) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (body.current_password !== undefined) await limitPasswordChecks(c.env.RATE_LIMIT_AUTH, userOf(c).id);
    return c.json(await auth.updateProfile(c.get("db"), userOf(c), body, requestMeta(c)), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/password",
    tags,
    summary: "Change your password; every other session is signed out",
    security: bearerSecurity,
    request: { body: jsonBody(ChangePasswordSchema) },
    responses: { 200: jsonContent(SessionSchema, "A fresh session"), ...problems() },
  }),
  async (c) => {
    await limitPasswordChecks(c.env.RATE_LIMIT_AUTH, userOf(c).id);
    const session = await auth.changePassword(
      c.get("db"),
      c.env,
      userOf(c),
      c.req.valid("json"),
      requestMeta(c),
      c.req.header("user-agent") ?? null,
    );
    return c.json(session, 200);
  },
);
