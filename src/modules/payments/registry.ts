import type { Actor } from "../../context";
import { badRequest, forbidden } from "../../lib/errors";
import { manualProvider } from "./manual";
import type { PaymentProvider, PaymentProviders } from "./provider";

/** The providers this deployment offers. A Stripe adapter would be built here from its secret in `env`. */
export function paymentProviders(_env: Env): PaymentProviders {
  return { manual: manualProvider };
}

/**
 * The provider for a payment request. Providers that only record money (manual) are
 * for staff and integrations: a customer must not be able to mark their own order paid.
 * `actor` is null for the system's own steps (auto-capture, resumed payments).
 */
export function providerFor(providers: PaymentProviders, name: string, actor: Actor | null): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw badRequest(`Unknown payment provider ${name}.`, [{ path: "provider", message: "Unknown" }]);
  if (provider.staffOnly && actor?.kind === "user" && actor.role === "customer") {
    throw forbidden(`Payments through the ${name} provider are recorded by staff.`);
  }
  return provider;
}
