import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
            ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            REQUEST_LOG: "off",
            WEBHOOKS_ALLOW_INSECURE_LOCALHOST: "true",
          },
          // The auth limit is low so a test can reach it; the general one is out of the way.
          ratelimits: {
            RATE_LIMIT_AUTH: { namespace_id: "1001", simple: { limit: 5, period: 60 } },
            RATE_LIMIT_API: { namespace_id: "1002", simple: { limit: 100000, period: 60 } },
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/support/apply-migrations.ts"],
      // Generous: tests assert behaviour, not speed (that is bench/), and the few that
      // race hundreds of requests through one object take minutes on a loaded machine.
      testTimeout: 120_000,
    },
  };
});
