import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema into flat NNNN_name.sql files,
// the layout wrangler and readD1Migrations read.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
  migrations: { prefix: "index" },
});
