import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The secrets wrangler.toml requires. Wrangler looks for them in .dev.vars or the process
// environment when it reads the config (and warns once per test worker when they are
// missing), so they are set there as well as bound below.
const TEST_SECRETS = {
  JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789",
  ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
};
Object.assign(process.env, TEST_SECRETS);
// Wrangler's informational lines ("Using secrets defined in process.env") once per worker are noise here.
process.env.WRANGLER_LOG ??= "warn";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ...TEST_SECRETS,
            REQUEST_LOG: "off",
            WEBHOOKS_ALLOW_INSECURE_LOCALHOST: "true",
          },
          // The auth limits are low so a test can reach them; the general one is out of the way.
          ratelimits: {
            RATE_LIMIT_AUTH: { namespace_id: "1001", simple: { limit: 5, period: 60 } },
            RATE_LIMIT_AUTH_IP: { namespace_id: "1003", simple: { limit: 20, period: 60 } },
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
      // Test files share a worker (and its D1, queues and stock objects) instead of starting
      // workerd afresh for each one: start-up was most of the suite's time. Tests therefore
      // never assume an empty table; each creates its own users, products and keys.
      isolate: false,
    },
  };
});
