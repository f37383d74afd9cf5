/** What other modules may use of the company register. */

export type { DrillholeRow } from "./drillhole-schemas";
export { depthOf, loadDrillhole } from "./drillholes";
export { loadProject, projectOpenSql } from "./projects";
export { companyActiveSql, loadCompany } from "./service";
