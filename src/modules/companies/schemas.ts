import { z } from "@hono/zod-openapi";
import { COMPANY_KINDS, type companies } from "../../db/schema";
import { pageQuery, pageSchema } from "../../lib/pagination";
import { booleanFlag } from "../../lib/schemas";

const Text = (max: number) => z.string().trim().min(1).max(max);

const Contact = z
  .strictObject({
    name: Text(120).optional(),
    email: z.email().max(254).optional(),
    phone: Text(40).optional(),
  })
  .openapi("CompanyContact");

export const CompanySchema = z
  .object({
    id: z.string().openapi({ example: "cmp_01jd8x2m6x4q8n0r5b7c9d1e3f" }),
    name: z.string(),
    code: z.string().nullable(),
    kind: z.enum(COMPANY_KINDS),
    contact: Contact,
    address: z.string().nullable(),
    notes: z.string().nullable(),
    active: z.boolean(),
    archived_at: z.string().nullable(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Company");
export type CompanyView = z.infer<typeof CompanySchema>;
export type CompanyRow = typeof companies.$inferSelect;

export function toCompanyView(row: CompanyRow): CompanyView {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    kind: row.kind,
    contact: row.contact,
    address: row.address,
    notes: row.notes,
    active: row.active,
    archived_at: row.archivedAt,
    version: row.version,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

const fields = {
  name: Text(160).openapi({ description: "Unique, compared without regard to case." }),
  code: Text(32).nullable().optional(),
  kind: z.enum(COMPANY_KINDS),
  contact: Contact.optional(),
  address: Text(500).nullable().optional(),
  notes: Text(2000).nullable().optional(),
};

export const CreateCompanySchema = z.strictObject(fields).openapi("CreateCompany");
export type CreateCompanyInput = z.infer<typeof CreateCompanySchema>;

export const UpdateCompanySchema = z
  .strictObject({
    ...fields,
    name: fields.name.optional(),
    kind: fields.kind.optional(),
    active: z.boolean().optional().openapi({ description: "`true` restores an archived company." }),
  })
  .openapi("UpdateCompany");
export type UpdateCompanyInput = z.infer<typeof UpdateCompanySchema>;

export const ListCompaniesQuery = pageQuery.extend({
  kind: z.enum(COMPANY_KINDS).optional(),
  include_archived: booleanFlag.openapi({ description: "Archived companies too." }),
});
export type ListCompaniesFilter = z.infer<typeof ListCompaniesQuery>;

export const CompanyPage = pageSchema(CompanySchema).openapi("CompanyPage");
