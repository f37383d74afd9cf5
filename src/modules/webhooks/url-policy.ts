/*
 * Which URLs Stockroom will POST webhooks to (SSRF defence). Checked when an
 * endpoint is created or changed, and again before every delivery.
 *
 * - https only, no credentials in the URL.
 * - IP literals must be public: the WHATWG URL parser first turns decimal, hex,
 *   octal and short forms (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) into
 *   dotted quads, and compresses IPv6, so one check sees every spelling. IPv6 must
 *   be global unicast (2000::/3), which also refuses IPv4-mapped, NAT64 and
 *   compatible forms, minus its special-purpose blocks.
 * - Names: obviously internal names are refused (localhost, single labels,
 *   .local/.internal/… suffixes, cloud metadata names, wildcard-DNS services that
 *   map names to any IP, names spelling a private IPv4).
 *
 * Limitation: a public-looking name is not resolved here (a Worker has no DNS API,
 * and this check must not depend on the network), so a name whose public DNS record
 * points at a private address passes. In production the Cloudflare edge cannot
 * reach private networks, which closes that gap; anywhere else, a filtering egress
 * proxy should.
 *
 * `allowInsecureLocalhost` (the WEBHOOKS_ALLOW_INSECURE_LOCALHOST var, on only in
 * local development and tests) admits http(s)://localhost and http(s)://127.0.0.1,
 * spelled exactly so.
 */

const MAX_URL_LENGTH = 2048;

type Cidr4 = [number, number]; // network as a 32-bit number, prefix length

const ip4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const BLOCKED_V4: Cidr4[] = [
  [ip4(0, 0, 0, 0), 8], // "this network"
  [ip4(10, 0, 0, 0), 8], // private
  [ip4(100, 64, 0, 0), 10], // shared address space (CGNAT; also Alibaba metadata 100.100.100.200)
  [ip4(127, 0, 0, 0), 8], // loopback
  [ip4(169, 254, 0, 0), 16], // link-local (cloud metadata 169.254.169.254)
  [ip4(172, 16, 0, 0), 12], // private
  [ip4(192, 0, 0, 0), 24], // IETF protocol assignments (Oracle metadata 192.0.0.192)
  [ip4(192, 0, 2, 0), 24], // documentation
  [ip4(192, 88, 99, 0), 24], // 6to4 relay anycast
  [ip4(192, 168, 0, 0), 16], // private
  [ip4(198, 18, 0, 0), 15], // benchmarking
  [ip4(198, 51, 100, 0), 24], // documentation
  [ip4(203, 0, 113, 0), 24], // documentation
  [ip4(224, 0, 0, 0), 4], // multicast
  [ip4(240, 0, 0, 0), 4], // reserved and broadcast
  [ip4(168, 63, 129, 16), 32], // Azure host services (metadata)
];

function parseIp4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return ip4(a, b, c, d);
}

function isPublicIp4(address: number): boolean {
  return !BLOCKED_V4.some(([network, prefix]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (address & mask) >>> 0 === network;
  });
}

/** The eight 16-bit groups of an IPv6 literal as the URL parser writes it, or null. */
function parseIp6(host: string): number[] | null {
  const halves = host.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

/** Special-purpose blocks inside global unicast 2000::/3, as (first groups, prefix bits). */
const BLOCKED_V6: [number[], number][] = [
  [[0x2001, 0x0000], 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  [[0x2001, 0x0db8], 32], // documentation
  [[0x2002], 16], // 6to4: embeds an IPv4 address
  [[0x3fff, 0x0000], 20], // documentation
];

function inPrefix(groups: number[], network: number[], bits: number): boolean {
  for (let i = 0; i * 16 < bits; i++) {
    const take = Math.min(16, bits - i * 16);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((network[i] ?? 0) & mask)) return false;
  }
  return true;
}

function isPublicIp6(groups: number[]): boolean {
  if (!inPrefix(groups, [0x2000], 3)) return false; // loopback, mapped, NAT64, ULA, link-local, multicast…
  return !BLOCKED_V6.some(([network, bits]) => inPrefix(groups, network, bits));
}

const INTERNAL_NAMES = new Set(["localhost", "metadata.google.internal", "metadata.azure.internal"]);
const INTERNAL_SUFFIXES = [
  ".localhost",
  ".local",
  ".localdomain",
  ".internal",
  ".intranet",
  ".corp",
  ".home",
  ".lan",
  ".arpa",
  ".test",
  ".example",
  ".invalid",
];
/** Public wildcard-DNS services that resolve names to any address, including loopback. */
const ANY_IP_DOMAINS = ["nip.io", "sslip.io", "xip.io", "localtest.me", "lvh.me", "vcap.me", "traefik.me"];

function isInternalName(host: string): boolean {
  if (!host.includes(".") || INTERNAL_NAMES.has(host)) return true;
  if (INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) return true;
  if (ANY_IP_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`))) return true;
  // Names that spell a private address, such as 10-0-0-1.example.com or 192.168.1.5.example.com.
  for (const match of host.matchAll(/(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=$|[.-])/g)) {
    const address = parseIp4(match.slice(1, 5).join("."));
    if (address !== null && !isPublicIp4(address)) return true;
  }
  return false;
}

/** Why a host may not receive webhooks, or null when it may. `host` is a URL's `hostname`. */
export function hostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[")) {
    const groups = parseIp6(host.slice(1, -1));
    if (groups === null || !isPublicIp6(groups)) return "The address is not a public IPv6 address.";
    return null;
  }
  const v4 = parseIp4(host);
  if (v4 !== null) return isPublicIp4(v4) ? null : "The address is not a public IPv4 address.";
  return isInternalName(host) ? "The host is an internal name." : null;
}

// The dev exception matches the URL as written, so that other spellings of the
// loopback address (2130706433, 0x7f.1, 127.1, [::1]) stay refused.
const LOCAL_DEV_URL = /^https?:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?([/?#]|$)/i;

/** Why this URL may not receive webhooks, or null when it may. */
export function webhookUrlProblem(raw: string, allowInsecureLocalhost: boolean): string | null {
  if (raw.length > MAX_URL_LENGTH) return `The URL is longer than ${MAX_URL_LENGTH} characters.`;
  const url = URL.parse(raw);
  if (url === null) return "The URL is not a valid absolute URL.";
  if (url.username !== "" || url.password !== "") return "The URL must not contain credentials.";
  if (allowInsecureLocalhost && LOCAL_DEV_URL.test(raw)) return null;
  if (url.protocol !== "https:") return "The URL must use https.";
  return hostProblem(url.hostname);
}
