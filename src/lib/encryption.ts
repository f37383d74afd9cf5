/*
 * AES-256-GCM for secrets we must be able to read back (webhook signing secrets).
 * The key is the `ENCRYPTION_KEY` Worker secret: base64 of exactly 32 random bytes.
 * Each value gets a fresh 96-bit IV; the ciphertext is stored as
 * `v1.<iv base64>.<ciphertext+tag base64>` so the scheme can change later without
 * guessing. `context` is bound as additional authenticated data (for example the
 * owning row's id), so a ciphertext copied into another row does not decrypt.
 */
import { fromBase64, toBase64 } from "./base64";

const VERSION = "v1";
const IV_BYTES = 12;
const keys = new Map<string, Promise<CryptoKey>>();

function importKey(keyBase64: string): Promise<CryptoKey> {
  let key = keys.get(keyBase64);
  if (!key) {
    let raw: Uint8Array;
    try {
      raw = fromBase64(keyBase64);
    } catch {
      throw new Error("ENCRYPTION_KEY is not valid base64.");
    }
    if (raw.byteLength !== 32) throw new Error("ENCRYPTION_KEY must be base64 of exactly 32 bytes.");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(keyBase64, key);
  }
  return key;
}

const encoder = new TextEncoder();

export async function encryptSecret(keyBase64: string, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    await importKey(keyBase64),
    encoder.encode(plaintext),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** Throws when the value was not sealed with this key and context (tampering, wrong key, copied row). */
export async function decryptSecret(keyBase64: string, sealed: string, context: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) throw new Error("Unknown ciphertext format.");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(context) },
    await importKey(keyBase64),
    fromBase64(data),
  );
  return new TextDecoder().decode(plain);
}
