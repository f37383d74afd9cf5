/** What other modules may use of the company register. */

export { drillholeRoutes } from "./drillhole-routes";
export type { DrillholeRow } from "./drillhole-schemas";
export { depthOf, loadDrillhole } from "./drillholes";
export { checkVersion, saveEdit } from "./edits";
export { projectRoutes } from "./project-routes";
export { loadProject, projectOpenSql } from "./projects";
export { CompanySchema, UpdateCompanySchema } from "./schemas";
export { archiveCompany, companyActiveSql, loadCompany, updateCompany } from "./service";
