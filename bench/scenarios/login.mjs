// Sign-in: one PBKDF2-SHA256 verification per request, which is the point of it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { customerEmail } from "../lib/seed/users.mjs";

function configuredIterations() {
  const source = readFileSync(
    path.resolve(import.meta.dirname, "..", "..", "src", "modules", "auth", "passwords.ts"),
    "utf8",
  );
  const match = /PBKDF2_ITERATIONS\s*=\s*([\d_]+)/.exec(source);
  return match ? Number(match[1].replaceAll("_", "")) : null;
}

export default {
  name: "login",
  title: "POST /v1/auth/login (PBKDF2-SHA256), 4 concurrent",
  needs: () => [["POST", "/v1/auth/login"]],
  async run(ctx) {
    const customers = ctx.dataset.customers.length;
    const bodies = Array.from({ length: Math.min(customers, 200) }, (_, i) =>
      JSON.stringify({ email: customerEmail(i + 1), password: ctx.dataset.password }),
    );
    const headers = { "content-type": "application/json" };
    const load = await ctx.load({
      label: "login",
      connections: 4,
      amount: ctx.quick ? 40 : 300,
      request: (i) => ({ method: "POST", path: "/v1/auth/login", headers, body: bodies[i % bodies.length] }),
    });
    const stored = ctx.dataset.passwordHash.split("$")[1];
    const iterations = configuredIterations();
    const perLogin = ctx.workerCpuPerRequest(load);
    return [
      {
        name: "login",
        load,
        target: { kind: "report" },
        checks: [ctx.checkStatuses(load, [200])],
        notes: [
          `PBKDF2-SHA256, ${iterations?.toLocaleString("en-US") ?? "?"} iterations (src/modules/auth/passwords.ts; stored hashes say ${stored})`,
          perLogin === null
            ? "CPU per login: not measurable here"
            : `≈ ${perLogin.toFixed(1)} ms CPU per login in workerd`,
        ],
        extra: { pbkdf2_iterations: iterations, cpu_ms_per_login: perLogin },
        cpuReport: true,
      },
    ];
  },
};
