/*
 * Endpoint signing secrets: `whsec_` + base64 of 32 random bytes, shown to the user
 * only when created or rotated, and stored only as AES-256-GCM ciphertexts bound to
 * the endpoint id. After a rotation the previous secret keeps signing for 24 h, so
 * receivers can switch without dropping a delivery.
 */
import type { webhookEndpoints } from "../../db/schema";
import { toBase64 } from "../../lib/base64";
import { randomBytes } from "../../lib/crypto";
import { decryptSecret, encryptSecret } from "../../lib/encryption";

export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function generateSecret(): string {
  return `whsec_${toBase64(randomBytes(32))}`;
}

export function sealSecret(encryptionKey: string, endpointId: string, secret: string): Promise<string> {
  return encryptSecret(encryptionKey, secret, `webhook_endpoint:${endpointId}`);
}

type SecretColumns = Pick<
  typeof webhookEndpoints.$inferSelect,
  "id" | "secretCiphertext" | "previousSecretCiphertext" | "previousSecretExpiresAt"
>;

/** The secrets that sign a delivery now: the current one, then the previous one during the overlap. */
export async function signingSecrets(encryptionKey: string, endpoint: SecretColumns, now = Date.now()) {
  const context = `webhook_endpoint:${endpoint.id}`;
  const secrets = [await decryptSecret(encryptionKey, endpoint.secretCiphertext, context)];
  const previousValid = endpoint.previousSecretExpiresAt !== null && Date.parse(endpoint.previousSecretExpiresAt) > now;
  if (endpoint.previousSecretCiphertext !== null && previousValid) {
    secrets.push(await decryptSecret(encryptionKey, endpoint.previousSecretCiphertext, context));
  }
  return secrets;
}
