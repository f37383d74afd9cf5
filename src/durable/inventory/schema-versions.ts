import { DEFAULT_LOCATION_ID } from "../../db/schema/locations";

/*
 * The object's SQLite layout has a version (meta `schema_version`) and an ordered list of
 * migrations. When an object starts it runs every migration past its version, each in its
 * own transaction that also records the new version, so an object evicted mid-upgrade
 * resumes where it stopped and an upgraded object never runs a step twice.
 */

/**
 * Version 1, verbatim: one level row per object, holds, the ledger, the outbox and meta.
 * Objects created before locations have exactly this, so it is kept as their starting point.
 * The CHECK constraints restate 0 <= reserved <= on_hand.
 */
export const V1_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS level (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    product_id TEXT NOT NULL,
    on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
    version INTEGER NOT NULL,
    low_stock_threshold INTEGER,
    is_low INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
  )`,
  `CREATE TABLE IF NOT EXISTS reservations (
    id TEXT PRIMARY KEY,
    order_id TEXT,
    qty INTEGER NOT NULL CHECK (qty >= 0),
    state TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS reservations_held ON reservations (expires_at) WHERE state = 'held'",
  `CREATE TABLE IF NOT EXISTS movements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    delta_on_hand INTEGER NOT NULL,
    delta_reserved INTEGER NOT NULL,
    on_hand INTEGER NOT NULL,
    reserved INTEGER NOT NULL,
    version INTEGER NOT NULL,
    reservation_id TEXT,
    reference TEXT,
    note TEXT,
    actor TEXT,
    created_at TEXT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS movements_created ON movements (created_at)",
  `CREATE TABLE IF NOT EXISTS pending_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    flush_id TEXT
  )`,
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

const D = `'${DEFAULT_LOCATION_ID}'`;
const MOVEMENT_COLUMNS = ["delta_damaged", "delta_quarantine", "delta_incoming", "delta_out"]
  .concat(["damaged", "quarantine", "incoming", "out"])
  .map((column) => `ALTER TABLE movements ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);

/**
 * Version 2: stock per location and state. The one level becomes the default location's
 * row (its version carries over, so stock-takes taken against it still match), open holds
 * are allocated there, and every past movement is recorded as having happened there.
 * Nothing leaves the ledger or the outbox; the projection cursor is untouched.
 */
const V2_LOCATIONS = [
  `CREATE TABLE stock (
    location_id TEXT PRIMARY KEY,
    on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    damaged INTEGER NOT NULL DEFAULT 0 CHECK (damaged >= 0),
    quarantine INTEGER NOT NULL DEFAULT 0 CHECK (quarantine >= 0),
    safety_stock INTEGER NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
    incoming INTEGER NOT NULL DEFAULT 0 CHECK (incoming >= 0),
    out INTEGER NOT NULL DEFAULT 0 CHECK (out >= 0),
    version INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT,
    CHECK (reserved + damaged + quarantine <= on_hand)
  )`,
  `INSERT INTO stock (location_id, on_hand, reserved, version, updated_at)
    SELECT ${D}, on_hand, reserved, version, updated_at FROM level`,
  `CREATE TABLE product (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    low_stock_threshold INTEGER,
    is_low INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
  )`,
  `INSERT INTO product (id, product_id, version, low_stock_threshold, is_low, updated_at)
    SELECT id, product_id, version, low_stock_threshold, is_low, updated_at FROM level`,
  "DROP TABLE level",
  `CREATE TABLE reservation_allocations (
    reservation_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    qty INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (reservation_id, location_id)
  )`,
  `INSERT INTO reservation_allocations (reservation_id, location_id, qty)
    SELECT id, ${D}, qty FROM reservations WHERE qty > 0`,
  `ALTER TABLE movements ADD COLUMN location_id TEXT NOT NULL DEFAULT ${D}`,
  "ALTER TABLE movements ADD COLUMN operation_id TEXT",
  "UPDATE movements SET operation_id = id",
  "CREATE INDEX movements_operation ON movements (operation_id)",
  "CREATE INDEX movements_location ON movements (location_id, seq)",
  ...MOVEMENT_COLUMNS,
  // Per (transfer, product): what left A, and how much of it has arrived at B or was lost.
  `CREATE TABLE transfers (
    transfer_id TEXT PRIMARY KEY,
    from_location_id TEXT NOT NULL,
    to_location_id TEXT NOT NULL,
    shipped INTEGER NOT NULL CHECK (shipped > 0),
    received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    lost INTEGER NOT NULL DEFAULT 0 CHECK (lost >= 0),
    CHECK (received + lost <= shipped)
  )`,
];

/**
 * Version 3: the tombstones a release of an unknown hold leaves (released, nothing held)
 * are pruned once they are older than their use (records.ts, `pruneTombstones`); this index
 * finds the old ones without scanning every hold the product ever had.
 */
const V3_TOMBSTONES = [
  "CREATE INDEX reservations_tombstones ON reservations (expires_at) WHERE state = 'released' AND qty = 0",
];

/** Index i takes an object from version i to version i + 1. */
const MIGRATIONS: readonly (readonly string[])[] = [V1_SCHEMA, V2_LOCATIONS, V3_TOMBSTONES];
export const SCHEMA_VERSION = MIGRATIONS.length;

function currentVersion(sql: SqlStorage): number {
  const tables = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'level')")
      .toArray()
      .map((r) => r.name),
  );
  if (!tables.has("meta")) return 0;
  const recorded = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
  // Version 1 predates the version record: its layout is how it is recognised.
  if (!recorded) return tables.has("level") ? 1 : 0;
  return Number(recorded.value);
}

/** Brings the object's storage to the current layout; returns the version it started from. */
export function migrateStorage(sql: SqlStorage, transaction: (work: () => void) => void): number {
  const start = currentVersion(sql);
  if (start > SCHEMA_VERSION)
    throw new Error(`stock object schema v${start} is newer than this code (v${SCHEMA_VERSION})`);
  for (let version = start; version < SCHEMA_VERSION; version++) {
    transaction(() => {
      for (const statement of MIGRATIONS[version] ?? []) sql.exec(statement);
      sql.exec(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        String(version + 1),
      );
    });
  }
  return start;
}
