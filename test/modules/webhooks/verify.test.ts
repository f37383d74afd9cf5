import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook, WebhookVerificationError } from "../../../packages/client/src/verify";

// The published test vector of the Standard Webhooks specification.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const headers = (signature: string, timestamp = String(TIMESTAMP), id = MSG_ID) => ({
  "webhook-id": id,
  "webhook-timestamp": timestamp,
  "webhook-signature": signature,
});
const at = { now: TIMESTAMP };

describe("Standard Webhooks signatures", () => {
  it("signs the specification's test vector exactly", async () => {
    expect(await signWebhook(SECRET, MSG_ID, TIMESTAMP, PAYLOAD)).toBe(EXPECTED);
    expect(await signWebhook(SECRET, MSG_ID, TIMESTAMP, new TextEncoder().encode(PAYLOAD))).toBe(EXPECTED);
  });

  it("verifies the test vector and returns the parsed payload", async () => {
    await expect(verifyWebhook(SECRET, headers(EXPECTED), PAYLOAD, at)).resolves.toEqual({ test: 2432232314 });
    // Headers as Node's IncomingHttpHeaders or a Fetch Headers object.
    await expect(verifyWebhook(SECRET, new Headers(headers(EXPECTED)), PAYLOAD, at)).resolves.toBeDefined();
    // The whsec_ prefix is optional.
    await expect(verifyWebhook(SECRET.slice(6), headers(EXPECTED), PAYLOAD, at)).resolves.toBeDefined();
  });

  it("accepts any matching signature in a space-separated list (secret rotation)", async () => {
    const other = "v1,Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXU=";
    await expect(verifyWebhook(SECRET, headers(`${other} ${EXPECTED}`), PAYLOAD, at)).resolves.toBeDefined();
    await expect(verifyWebhook(SECRET, headers(`v2,abc ${EXPECTED}`), PAYLOAD, at)).resolves.toBeDefined();
  });

  it.each([
    ["a changed body", headers(EXPECTED), '{"test": 2432232315}'],
    ["a changed id", headers(EXPECTED, String(TIMESTAMP), "msg_other"), PAYLOAD],
    ["a changed timestamp", headers(EXPECTED, String(TIMESTAMP + 1)), PAYLOAD],
    ["a signature of another version", headers(EXPECTED.replace("v1,", "v2,")), PAYLOAD],
    ["a truncated signature", headers(EXPECTED.slice(0, -4)), PAYLOAD],
    ["garbage", headers("v1,!!!not base64!!!"), PAYLOAD],
  ])("rejects %s", async (_label, h, body) => {
    await expect(verifyWebhook(SECRET, h, body, at)).rejects.toThrow(WebhookVerificationError);
  });

  it("rejects a timestamp more than 5 minutes away, either way, and missing headers", async () => {
    await expect(verifyWebhook(SECRET, headers(EXPECTED), PAYLOAD, { now: TIMESTAMP + 300 })).resolves.toBeDefined();
    await expect(verifyWebhook(SECRET, headers(EXPECTED), PAYLOAD, { now: TIMESTAMP + 301 })).rejects.toThrow(
      "tolerance",
    );
    await expect(verifyWebhook(SECRET, headers(EXPECTED), PAYLOAD, { now: TIMESTAMP - 301 })).rejects.toThrow(
      "tolerance",
    );
    // Without `now`, the real clock applies: the 2021 vector is far too old.
    await expect(verifyWebhook(SECRET, headers(EXPECTED), PAYLOAD)).rejects.toThrow("tolerance");
    const { "webhook-signature": _, ...unsigned } = headers(EXPECTED);
    await expect(verifyWebhook(SECRET, unsigned, PAYLOAD, at)).rejects.toThrow("Missing");
    await expect(verifyWebhook(SECRET, headers(EXPECTED, "16142653.30"), PAYLOAD, at)).rejects.toThrow("Unix seconds");
  });
});
