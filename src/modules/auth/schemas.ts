import { z } from "@hono/zod-openapi";
import { orNull } from "../../lib/openapi";
import { EmailSchema, PasswordSchema, UserSchema } from "../users";

export const RegisterSchema = z
  .strictObject({ email: EmailSchema, password: PasswordSchema, name: z.string().trim().min(1).max(120) })
  .openapi("Register");

export const LoginSchema = z
  .strictObject({ email: EmailSchema, password: z.string().min(1).max(256) })
  .openapi("Login");

export const RefreshSchema = z.strictObject({ refresh_token: z.string().min(1).max(256) }).openapi("Refresh");

export const SessionSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires." }),
    refresh_token: z.string(),
    user: UserSchema,
  })
  .openapi("Session");

export const UpdateProfileSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    email: EmailSchema.optional(),
    current_password: z.string().max(256).optional().openapi({ description: "Required to change the email." }),
  })
  .openapi("UpdateProfile");

export const ChangePasswordSchema = z
  .strictObject({ current_password: z.string().min(1).max(256), new_password: PasswordSchema })
  .openapi("ChangePassword");

export const CallerSchema = z
  .object({
    kind: z.enum(["user", "api_key"]),
    user: orNull(UserSchema),
    api_key: z
      .object({ id: z.string(), type: z.enum(["secret", "publishable"]), scopes: z.array(z.string()) })
      .nullable(),
    permissions: z.array(z.string()).openapi({ description: "Every endpoint the caller may call, as `METHOD /path`." }),
  })
  .openapi("Caller");
