// Module hooks for scripts that import the app in Node (client-generate.mjs): `cloudflare:workers`
// exists only in workerd, and the app needs only its classes to be extendable.
const STUB = `
export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
export class WorkflowEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
export class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
export const env = {};
`;

export async function resolve(specifier, context, next) {
  if (specifier === "cloudflare:workers") {
    return { url: `data:text/javascript,${encodeURIComponent(STUB)}`, shortCircuit: true };
  }
  return next(specifier, context);
}
