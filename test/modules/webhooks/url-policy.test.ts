import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { webhookUrlProblem } from "../../../src/modules/webhooks/url-policy";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { expectProblem, problemPaths } from "../../support/problem";
import { cleanupEndpoints } from "../../support/webhooks";

let admin: SignedIn;
beforeAll(async () => {
  admin = await signInAs("admin");
});
afterEach(cleanupEndpoints);

/** Refused even where WEBHOOKS_ALLOW_INSECURE_LOCALHOST is on (as in these tests). */
const HOSTILE = [
  "http://example.com/hook", // not https
  "ftp://example.com/hook",
  "javascript:alert(1)",
  "not a url",
  "https://user:pass@example.com/hook", // credentials
  "https://token@example.com/hook",
  "https://127.0.0.2/hook", // loopback, other than the dev exception
  "https://2130706433/hook", // 127.0.0.1 as a decimal number
  "https://0x7f000001/hook", // … as hex
  "https://0177.0.0.1/hook", // … as octal
  "https://017700000001/hook", // … as one octal number
  "https://127.1/hook", // … short form
  "https://0x7f.0x0.0x0.0x1/hook", // … dotted hex
  "https://0.0.0.0/hook",
  "https://10.0.0.1/hook", // private
  "https://0x0a.0x00.0x00.0x01/hook", // private, dotted hex
  "https://172.16.5.4/hook",
  "https://172.31.255.255/hook",
  "https://192.168.1.1/hook",
  "https://100.64.0.1/hook", // shared address space
  "https://100.100.100.200/latest/meta-data", // Alibaba metadata
  "https://169.254.169.254/latest/meta-data", // link-local cloud metadata
  "https://2852039166/latest/meta-data", // 169.254.169.254 as a number
  "https://192.0.0.192/", // Oracle metadata
  "https://168.63.129.16/", // Azure host services
  "https://198.18.0.1/",
  "https://224.0.0.1/",
  "https://255.255.255.255/",
  "https://[::1]/hook", // IPv6 loopback
  "https://[::]/hook",
  "https://[0:0:0:0:0:0:0:1]/hook",
  "https://[::ffff:127.0.0.1]/hook", // IPv4-mapped IPv6
  "https://[::ffff:7f00:1]/hook",
  "https://[::ffff:169.254.169.254]/hook",
  "https://[::127.0.0.1]/hook", // IPv4-compatible
  "https://[64:ff9b::a9fe:a9fe]/hook", // NAT64 of the metadata address
  "https://[fd00:ec2::254]/hook", // unique-local (AWS metadata)
  "https://[fc00::1]/hook",
  "https://[fe80::1]/hook", // link-local
  "https://[ff02::1]/hook", // multicast
  "https://[2001:db8::1]/hook", // documentation
  "https://[2002:7f00:1::]/hook", // 6to4 of 127.0.0.1
  "https://metadata.google.internal/computeMetadata/v1/",
  "https://metadata/computeMetadata/v1/", // single label
  "https://intranet/hook",
  "https://printer.local/hook",
  "https://app.localhost/hook",
  "https://localhost.localdomain/hook",
  "https://db.internal/hook",
  "https://router.lan/hook",
  "https://nas.home.arpa/hook",
  "https://127.0.0.1.nip.io/hook", // wildcard DNS to loopback
  "https://10-0-0-1.sslip.io/hook",
  "https://lvh.me/hook",
  "https://192.168.1.20.example.com/hook", // a name spelling a private address
  "https://10-1-2-3.customer.example.net/hook",
  `https://example.com/${"a".repeat(2100)}`,
];

const ALLOWED = [
  "https://example.com/hook",
  "https://shop.example.com:8443/hooks/stockroom?x=1",
  "https://93.184.215.14/hook",
  "https://[2606:4700:4700::1111]/hook",
  "https://0xdeadbeef.example.com/hook",
  "https://8.8.8.8.example.com/hook",
];

describe("webhook URL policy", () => {
  it.each(HOSTILE)("refuses %s", (url) => {
    expect(webhookUrlProblem(url, true)).toEqual(expect.any(String));
  });

  it.each(ALLOWED)("allows %s", (url) => {
    expect(webhookUrlProblem(url, false)).toBeNull();
  });

  it("allows http://localhost and 127.0.0.1 only when WEBHOOKS_ALLOW_INSECURE_LOCALHOST is on", () => {
    for (const url of ["http://localhost:8788/hook", "http://127.0.0.1:8788/hook", "https://localhost/hook"]) {
      expect(webhookUrlProblem(url, true)).toBeNull();
      expect(webhookUrlProblem(url, false)).toEqual(expect.any(String));
    }
    expect(webhookUrlProblem("http://localhost.:8788/hook", true)).toEqual(expect.any(String));
    expect(webhookUrlProblem("http://[::1]:8788/hook", true)).toEqual(expect.any(String));
  });

  it(`refuses all ${HOSTILE.length} hostile URLs through the API, on create and on update`, async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(20);
    for (const url of HOSTILE) {
      const res = await call("POST", "/v1/webhooks", { token: admin.token, body: { url, event_types: ["*"] } });
      expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problemPaths(res), url).toEqual(["url"]);
    }
    const created = await call<{ id: string }>("POST", "/v1/webhooks", {
      token: admin.token,
      body: { url: "https://example.com/hook", event_types: ["order.paid"] },
    });
    expect(created.status).toBe(201);
    for (const url of HOSTILE.slice(0, 25)) {
      const res = await call("PATCH", `/v1/webhooks/${created.body.id}`, { token: admin.token, body: { url } });
      expectProblem(res, 400, "VALIDATION_FAILED");
    }
    await call("DELETE", `/v1/webhooks/${created.body.id}`, { token: admin.token });
  });
});
