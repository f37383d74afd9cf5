import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/*
 * The core shed: client companies and laboratories, their projects, the drillholes of a
 * project, the samples cut from them (or from a lot), and dispatches of stock and samples
 * to a company with their returns.
 */

export const COMPANY_KINDS = ["client", "laboratory", "contractor"] as const;

export interface CompanyContact {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export const companies = sqliteTable(
  "companies",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    code: text("code"),
    kind: text("kind", { enum: COMPANY_KINDS }).notNull(),
    contact: text("contact", { mode: "json" }).$type<CompanyContact>().notNull(),
    address: text("address"),
    notes: text("notes"),
    active: integer("active", { mode: "boolean" }).notNull(),
    archivedAt: text("archived_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("companies_name_ci").on(sql`lower(${t.name})`), index("companies_active").on(t.active, t.id)],
);

export const PROJECT_STATUSES = ["planned", "active", "on_hold", "closed"] as const;

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    name: text("name").notNull(),
    code: text("code").notNull(),
    status: text("status", { enum: PROJECT_STATUSES }).notNull(),
    startDate: text("start_date"),
    endDate: text("end_date"),
    notes: text("notes"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("projects_company_code").on(t.companyId, t.code),
    index("projects_status").on(t.status, t.id),
    check("projects_dates", sql`${t.endDate} IS NULL OR ${t.startDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

export const DRILLHOLE_STATUSES = ["planned", "drilling", "completed", "abandoned"] as const;

export const drillholes = sqliteTable(
  "drillholes",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    holeId: text("hole_id").notNull(),
    easting: real("easting"),
    northing: real("northing"),
    latitude: real("latitude"),
    longitude: real("longitude"),
    elevation: real("elevation"),
    azimuth: real("azimuth"),
    dip: real("dip"),
    plannedDepth: real("planned_depth"),
    finalDepth: real("final_depth"),
    status: text("status", { enum: DRILLHOLE_STATUSES }).notNull(),
    startedOn: text("started_on"),
    completedOn: text("completed_on"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("drillholes_project_hole").on(t.projectId, t.holeId)],
);

export const SAMPLE_TYPES = ["core", "half_core", "pulp", "reject", "chip", "other"] as const;
export const SAMPLE_STATUSES = ["in_store", "dispatched", "returned", "consumed", "disposed"] as const;

/**
 * A serial-tracked unit. Intervals of one hole never overlap: a trigger (in the
 * migration) refuses any insert or update that would make them, so concurrent writers
 * cannot slip two clashing samples past the service's own check.
 */
export const samples = sqliteTable(
  "samples",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    drillholeId: text("drillhole_id").references(() => drillholes.id),
    depthFrom: real("depth_from"),
    depthTo: real("depth_to"),
    lot: text("lot"),
    type: text("type", { enum: SAMPLE_TYPES }).notNull(),
    weightGrams: real("weight_grams"),
    locationId: text("location_id"),
    status: text("status", { enum: SAMPLE_STATUSES }).notNull(),
    dispatchId: text("dispatch_id"),
    notes: text("notes"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("samples_number").on(t.number),
    index("samples_drillhole_depth").on(t.drillholeId, t.depthFrom),
    index("samples_status").on(t.status, t.id),
    check(
      "samples_origin",
      sql`(${t.drillholeId} IS NOT NULL AND ${t.depthFrom} IS NOT NULL AND ${t.depthTo} > ${t.depthFrom}) OR (${t.drillholeId} IS NULL AND ${t.lot} IS NOT NULL)`,
    ),
  ],
);

export const DISPATCH_STATUSES = [
  "draft",
  "dispatched",
  "partially_returned",
  "returned",
  "closed",
  "cancelled",
] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];
/** Statuses with something still out (the outstanding dispatches; overdue once past their expected return). */
export const OUT_STATUSES = ["dispatched", "partially_returned"] as const;

export interface DestinationAddress {
  line1?: string | undefined;
  line2?: string | undefined;
  city?: string | undefined;
  region?: string | undefined;
  postal_code?: string | undefined;
  country?: string | undefined;
}

export const dispatches = sqliteTable(
  "dispatches",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull(),
    year: integer("year").notNull(),
    sequence: integer("sequence").notNull(),
    companyId: text("company_id")
      .notNull()
      .references(() => companies.id),
    projectId: text("project_id").references(() => projects.id),
    locationId: text("location_id").notNull(),
    destinationName: text("destination_name").notNull(),
    destinationAddress: text("destination_address", { mode: "json" }).$type<DestinationAddress | null>(),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    expectedReturnAt: text("expected_return_at"),
    notes: text("notes"),
    status: text("status", { enum: DISPATCH_STATUSES }).notNull(),
    dispatchedAt: text("dispatched_at"),
    closedAt: text("closed_at"),
    cancelledAt: text("cancelled_at"),
    /**
     * The request sending the stock of a draft (actor and Idempotency-Key): its stock
     * movements are derived from it, so one request at a time sends, a retry of it sends
     * nothing twice, and what a crashed one sent can be found and undone.
     */
    sendingKey: text("sending_key"),
    sendingAt: text("sending_at"),
    /** The `dispatch.overdue` event written for it, once; null until the sweep finds it late. */
    overdueEventId: text("overdue_event_id"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("dispatches_number").on(t.number),
    uniqueIndex("dispatches_year_sequence").on(t.year, t.sequence),
    index("dispatches_status_dispatched").on(t.status, t.dispatchedAt, t.id),
    index("dispatches_company").on(t.companyId, t.status),
    index("dispatches_project").on(t.projectId, t.status),
  ],
);

/**
 * A stock line. What came back is counted per outcome; the check keeps the sum within
 * what left, so concurrent returns can never bring back more than went out.
 */
export const dispatchLines = sqliteTable(
  "dispatch_lines",
  {
    dispatchId: text("dispatch_id")
      .notNull()
      .references(() => dispatches.id),
    position: integer("position").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    qty: integer("qty").notNull(),
    returnedGood: integer("returned_good").notNull().default(0),
    returnedDamaged: integer("returned_damaged").notNull().default(0),
    consumed: integer("consumed").notNull().default(0),
    lost: integer("lost").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.dispatchId, t.position] }),
    uniqueIndex("dispatch_lines_product").on(t.dispatchId, t.productId),
    // The reconciliation finds a product's lines.
    index("dispatch_lines_by_product").on(t.productId, t.dispatchId),
    check(
      "dispatch_lines_accounted",
      sql`${t.qty} > 0 AND ${t.returnedGood} >= 0 AND ${t.returnedDamaged} >= 0 AND ${t.consumed} >= 0 AND ${t.lost} >= 0 AND ${t.returnedGood} + ${t.returnedDamaged} + ${t.consumed} + ${t.lost} <= ${t.qty}`,
    ),
  ],
);

export const SAMPLE_OUTCOMES = ["returned", "consumed"] as const;
export type SampleOutcome = (typeof SAMPLE_OUTCOMES)[number];

/** A sample on a dispatch; `outcome` stays null while it is out. */
export const dispatchSamples = sqliteTable(
  "dispatch_samples",
  {
    dispatchId: text("dispatch_id")
      .notNull()
      .references(() => dispatches.id),
    sampleId: text("sample_id")
      .notNull()
      .references(() => samples.id),
    outcome: text("outcome", { enum: SAMPLE_OUTCOMES }),
    returnId: text("return_id"),
    resolvedAt: text("resolved_at"),
  },
  (t) => [primaryKey({ columns: [t.dispatchId, t.sampleId] }), index("dispatch_samples_sample").on(t.sampleId)],
);

export const RETURN_CONDITIONS = ["good", "damaged", "consumed", "lost"] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

export interface ReturnedStock {
  product_id: string;
  qty: number;
  condition: ReturnCondition;
}

export interface ReturnedSample {
  sample_id: string;
  outcome: SampleOutcome;
}

/**
 * One recorded return of a dispatch. Its stock moves on the product objects after the
 * row commits; `stock_applied_at` is set once they all landed, and the sweep finishes
 * any return a crash left half-applied (the movements are idempotent by derived ids).
 */
export const dispatchReturns = sqliteTable(
  "dispatch_returns",
  {
    id: text("id").primaryKey(),
    dispatchId: text("dispatch_id")
      .notNull()
      .references(() => dispatches.id),
    stock: text("stock", { mode: "json" }).$type<ReturnedStock[]>().notNull(),
    samples: text("samples", { mode: "json" }).$type<ReturnedSample[]>().notNull(),
    note: text("note"),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    stockAppliedAt: text("stock_applied_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("dispatch_returns_dispatch").on(t.dispatchId, t.createdAt),
    index("dispatch_returns_pending").on(t.stockAppliedAt),
  ],
);
