// The demo data set seeded into an empty local database (the admin is created separately).
export function demoDataSql() {
  return "";
}
