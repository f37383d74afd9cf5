import { z } from "@hono/zod-openapi";
import { ROLES, type users } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";

export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Must be a valid email address").max(254))
  .openapi({ example: "ada@example.com" });

export const PasswordSchema = z
  .string()
  .max(256)
  .openapi({ description: "At least 10 characters, two character classes, not the email." });

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: "usr_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    status: z.enum(["active", "deactivated"]),
    version: z.number().int(),
    last_login_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("User");

export type UserResponse = z.infer<typeof UserSchema>;

export function toUserResponse(row: typeof users.$inferSelect): UserResponse {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    version: row.version,
    last_login_at: row.lastLoginAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export const CreateUserSchema = z
  .strictObject({
    email: EmailSchema,
    name: z.string().trim().min(1).max(120),
    password: PasswordSchema,
    role: z.enum(ROLES),
  })
  .openapi("CreateUser");

export const UpdateUserSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(ROLES).optional(),
    status: z.enum(["active", "deactivated"]).optional(),
  })
  .openapi("UpdateUser");

export const ListUsersQuery = pageQuery.extend({
  role: z.enum(ROLES).optional(),
  status: z.enum(["active", "deactivated"]).optional(),
  email: z.string().max(254).optional().openapi({ description: "Filter by email prefix." }),
});

export const UserPage = pageSchema(UserSchema).openapi("UserPage");
