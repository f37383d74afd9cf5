/*
 * User administration: admins create, edit and deactivate accounts; anyone else may
 * only read themselves. Deleting deactivates, so history and audit keep their
 * references. Deactivating a user, or changing their role, closes their sessions.
 * Nobody can deactivate their own account, by DELETE or by PATCH.
 * There is always at least one active admin: the guard is part of the UPDATE itself,
 * so two admins demoting each other at once cannot both succeed.
 */
import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../../context";
import { isUniqueViolation } from "../../db/batch";
import type { Database } from "../../db/client";
import { startsWith } from "../../db/lists";
import { type Role, users } from "../../db/schema";
import { badRequest, conflict, forbidden, notFound, preconditionFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { decodeCursor, toPage } from "../../lib/pagination";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { revokeUserSessions } from "./access";
import { hashPassword, passwordProblems } from "./passwords";
import { toUserResponse } from "./schemas";

export async function listUsers(
  db: Database,
  filter: {
    limit: number;
    cursor?: string | undefined;
    role?: Role | undefined;
    status?: "active" | "deactivated" | undefined;
    email?: string | undefined;
  },
) {
  const where: SQL[] = [];
  if (filter.role) where.push(eq(users.role, filter.role));
  if (filter.status) where.push(eq(users.status, filter.status));
  if (filter.email) {
    where.push(startsWith(users.email, filter.email.toLowerCase()));
  }
  if (filter.cursor) where.push(lt(users.id, String(decodeCursor(filter.cursor, 1)[0])));
  const rows = await db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(desc(users.id))
    .limit(filter.limit + 1);
  return toPage(rows, filter.limit, (r) => [r.id], toUserResponse);
}

async function loadUser(db: Database, id: string) {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!user) throw notFound("User");
  return user;
}

export async function getUser(db: Database, actor: Actor, id: string) {
  const isAdmin = actor.kind === "api_key" || actor.role === "admin";
  if (!isAdmin && actor.id !== id) throw forbidden("You may only read your own account.");
  return toUserResponse(await loadUser(db, id));
}

/**
 * An API key acts for an integration, never as an admin: it may not make, change or
 * remove an admin (an admin can mint keys with every scope, so that would let a key
 * grant itself more than it was given). Only a signed-in admin touches admins.
 */
function assertKeyLeavesAdminsAlone(meta: RequestMeta, ...roles: (Role | undefined)[]) {
  if (meta.actor?.kind === "api_key" && roles.includes("admin")) {
    throw forbidden("An API key cannot create, change or remove an admin; a signed-in admin must.");
  }
}

export async function createUser(
  db: Database,
  input: { email: string; name: string; password: string; role: Role },
  meta: RequestMeta,
) {
  assertKeyLeavesAdminsAlone(meta, input.role);
  const problems = passwordProblems(input.password, input.email);
  if (problems.length > 0) throw badRequest("The password does not meet the policy.", problems);
  const now = nowIso();
  const user = {
    id: newId("usr"),
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    status: "active" as const,
    version: 1,
    lastLoginAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(users).values(user),
      auditInsert(db, meta, {
        action: "user.created",
        entityType: "user",
        entityId: user.id,
        after: toUserResponse(user),
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, users, "users_email_unique"))
      throw conflict("An account with this email already exists.");
    throw err;
  }
  return toUserResponse(user);
}

export async function updateUser(
  db: Database,
  id: string,
  input: { name?: string | undefined; role?: Role | undefined; status?: "active" | "deactivated" | undefined },
  expectedVersion: number | null,
  meta: RequestMeta,
) {
  // Checked here rather than only in deactivateUser, so that PATCH cannot get around it.
  if (input.status === "deactivated" && meta.actor?.id === id) {
    throw conflict("You cannot deactivate your own account.");
  }
  const user = await loadUser(db, id);
  assertKeyLeavesAdminsAlone(meta, user.role, input.role);
  if (expectedVersion !== null && expectedVersion !== user.version) throw preconditionFailed();
  const next = {
    name: input.name ?? user.name,
    role: input.role ?? user.role,
    status: input.status ?? user.status,
    version: user.version + 1,
    updatedAt: nowIso(),
  };
  const after = { ...user, ...next };
  const removesAdmin =
    user.role === "admin" && user.status === "active" && (next.role !== "admin" || next.status !== "active");
  const lastAdminGuard = removesAdmin
    ? sql`(SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active' AND id != ${id}) > 0`
    : undefined;
  const guard = and(eq(users.id, id), eq(users.version, user.version), lastAdminGuard);
  // The audit row and the session revocation run first, each only if the update's own
  // guard holds; nothing in between can change it inside the batch's transaction. (Testing
  // "version is now next.version" afterwards would also match a concurrent writer's update.)
  const lands = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${guard})`;
  const losesAccess = next.status !== "active" || next.role !== user.role;
  const [, , updated] = await db.batch([
    auditInsert(
      db,
      meta,
      {
        action: next.status === "deactivated" && user.status === "active" ? "user.deactivated" : "user.updated",
        entityType: "user",
        entityId: id,
        before: toUserResponse(user),
        after: toUserResponse(after),
      },
      lands,
    ),
    revokeUserSessions(db, id, next.status !== "active" ? "deactivated" : "role_changed", losesAccess ? lands : sql`0`),
    db.update(users).set(next).where(guard).returning({ id: users.id }),
  ]);
  if (updated.length === 0) {
    const current = await loadUser(db, id);
    if (current.version !== user.version) throw preconditionFailed();
    throw conflict("This is the last active admin; promote another admin first.");
  }
  return toUserResponse(after);
}

export async function deactivateUser(db: Database, id: string, meta: RequestMeta) {
  return updateUser(db, id, { status: "deactivated" }, null, meta);
}

/** A user's name and email, as documents addressed to them (invoices) print it; null for an unknown id. */
export async function contactOf(db: Database, userId: string) {
  const [row] = await db
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}
