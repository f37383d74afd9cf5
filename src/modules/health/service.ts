/*
 * Readiness: each dependency gets one cheap real operation with a time limit, so a
 * hung binding shows up as a failed check instead of a hung probe.
 */
import { stockObject } from "../stock";

const CHECK_TIMEOUT_MS = 3_000;

interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS)),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : "failed",
    };
  }
}

export async function checkReadiness(env: Pick<Env, "DB" | "FILES" | "INVENTORY">) {
  const [d1, r2, durableObject] = await Promise.all([
    timed(() => env.DB.prepare("SELECT 1").first()),
    timed(() => env.FILES.head("health/probe")),
    timed(() => stockObject(env.INVENTORY, "health-probe").snapshot()),
  ]);
  const checks = { d1, r2, durable_object: durableObject };
  return { status: Object.values(checks).every((r) => r.ok) ? ("ok" as const) : ("unavailable" as const), checks };
}
