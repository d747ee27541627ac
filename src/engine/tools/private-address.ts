/**
 * Which IP addresses `fetch_url` refuses unless private URLs are allowed: loopback, private,
 * link-local, unique-local, carrier-grade NAT, multicast and unspecified addresses.
 */
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** True when `address` (an IP literal) is not a public internet address. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) reaches the IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
    if (mapped?.[1] !== undefined) return blocked.check(mapped[1], "ipv4");
    // The hex form (::ffff:7f00:1) is refused outright rather than decoded.
    if (/^::ffff:/i.test(bare)) return true;
    return blocked.check(bare, "ipv6");
  }
  // Not an IP literal: the caller must resolve it first; refuse to be safe.
  return true;
}
