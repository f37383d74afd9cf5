/*
 * Settings: one document (currency, tax rate, reservation TTL, low-stock default,
 * auto-capture) validated by one zod schema on every write; until the first write
 * every field has its default. A write must name the version it replaces (If-Match),
 * and the version check is a guard inside the write's batch, so two admins saving at
 * once cannot both win. Every change writes an audit row in the same batch. Reads are
 * cached per isolate: a write replaces this isolate's copy at once, and other isolates
 * pick the change up within CACHE_MS, which is the staleness checkout may see.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { settings } from "../../db/schema";
import { preconditionFailed, preconditionRequired } from "../../lib/errors";
import { storeSettingsChanged } from "../../lib/storefront-stamps";
import { nowIso } from "../../lib/time";
import { auditInsert, type RequestMeta } from "../audit";
import { DEFAULT_SETTINGS, SettingsSchema, type SettingsView, type StoreSettings } from "./schemas";

const CACHE_MS = 10_000;
let cached: { view: SettingsView; at: number } | null = null;

/** A stored document written under an older schema still reads: unknown fields drop, missing ones default. */
function toView(row: typeof settings.$inferSelect | undefined): SettingsView {
  if (!row) return { ...DEFAULT_SETTINGS, version: 0, updated_at: null };
  const stored = SettingsSchema.partial().strip().safeParse(row.data);
  return {
    ...DEFAULT_SETTINGS,
    ...(stored.success ? stored.data : {}),
    version: row.version,
    updated_at: row.updatedAt,
  };
}

/** D1 errors arrive wrapped (drizzle's query error around D1's); the constraint name is in the chain. */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) parts.push(e.message);
  return parts.join(" | ");
}

/** The settings as stored now, past this isolate's cache: for answers that outlive the request. */
export async function readSettings(db: Database): Promise<SettingsView> {
  const [row] = await db.select().from(settings).where(eq(settings.id, 1)).limit(1);
  return toView(row);
}

export async function getSettings(db: Database, now = Date.now()): Promise<SettingsView> {
  if (cached && now - cached.at < CACHE_MS) return cached.view;
  const view = await readSettings(db);
  cached = { view, at: now };
  return view;
}

export async function updateSettings(
  db: Database,
  input: StoreSettings,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<SettingsView> {
  if (expectedVersion === null) {
    throw preconditionRequired("Send If-Match with the ETag of the settings you edited.");
  }
  const before = await readSettings(db);
  if (before.version !== expectedVersion) throw preconditionFailed();
  const now = nowIso();
  const data = SettingsSchema.parse(input);
  // A change to what is already there (an empty PATCH) writes nothing and keeps the version.
  const { version: _version, updated_at: _updatedAt, ...current } = before;
  if (JSON.stringify(SettingsSchema.parse(current)) === JSON.stringify(data)) return before;
  const version = expectedVersion + 1;
  try {
    await db.batch([
      // Aborts the batch (CHECK on settings.id) when another write got there first.
      db
        .insert(settings)
        .select(
          sql`SELECT 0, '{}', 0, NULL, ${now} WHERE COALESCE((SELECT version FROM settings WHERE id = 1), 0) != ${expectedVersion}`,
        ),
      db
        .insert(settings)
        .values({ id: 1, data, version, updatedBy: meta.actor?.id ?? null, updatedAt: now })
        .onConflictDoUpdate({
          target: settings.id,
          set: { data, version, updatedBy: meta.actor?.id ?? null, updatedAt: now },
        }),
      auditInsert(db, meta, {
        action: "settings.updated",
        entityType: "settings",
        entityId: "store",
        before: { ...before },
        after: { ...data, version },
      }),
    ]);
  } catch (err) {
    if (causeChain(err).includes("settings_single_row")) throw preconditionFailed();
    throw err;
  }
  const view: SettingsView = { ...data, version, updated_at: now };
  cached = { view, at: Date.now() };
  await storeSettingsChanged();
  return view;
}

/** A partial change: the fields sent replace those of the version If-Match names. */
export async function patchSettings(
  db: Database,
  patch: Partial<StoreSettings>,
  expectedVersion: number | null,
  meta: RequestMeta,
): Promise<SettingsView> {
  const { version: _version, updated_at: _updatedAt, ...current } = await readSettings(db);
  return updateSettings(db, { ...current, ...patch }, expectedVersion, meta);
}
