/**
 * Which IP addresses `fetch_url` refuses unless private URLs are allowed: loopback, private,
 * link-local, unique-local, site-local, carrier-grade NAT, multicast and unspecified addresses,
 * and the IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo),
 * since any of those may lead back to a private IPv4 host.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";

const blockedV4 = new BlockList();
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
  blockedV4.addSubnet(network, prefix, "ipv4");
}

/** IPv6 prefixes refused outright, as [16-byte network, prefix length]. */
const BLOCKED_V6: ReadonlyArray<readonly [string, number]> = [
  ["::", 96], // unspecified, loopback and IPv4-compatible (::127.0.0.1, ::7f00:1)
  ["64:ff9b::", 96], // NAT64, well-known prefix
  ["64:ff9b:1::", 48], // NAT64, local use
  ["100::", 64], // discard-only
  ["2001::", 32], // Teredo
  ["2002::", 16], // 6to4
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link local
  ["fec0::", 10], // site local (deprecated, still routed by some networks)
  ["ff00::", 8], // multicast
];

/** The 16 bytes of an IPv6 literal (with `::` and a dotted IPv4 tail), or undefined. */
function ipv6Bytes(address: string): Uint8Array | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    for (const part of dotted[1].split(".")) tail.push(Number(part));
    text = text.slice(0, -dotted[1].length) + "0:0";
  }
  const [head = "", rest] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

const blockedV6 = BLOCKED_V6.map(([network, prefix]) => ({
  network: ipv6Bytes(network) as Uint8Array,
  prefix,
}));

function inPrefix(bytes: Uint8Array, network: Uint8Array, prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const mask = prefix - bit >= 8 ? 0xff : (0xff << (8 - (prefix - bit))) & 0xff;
    if (((bytes[bit / 8] as number) & mask) !== ((network[bit / 8] as number) & mask)) return false;
  }
  return true;
}

/** True when `address` (an IP literal) is not a public internet address. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(bare)) return blockedV4.check(bare, "ipv4");
  const bytes = ipv6Bytes(bare);
  if (bytes === undefined) {
    // Not an IP literal: the caller must resolve it first; refuse to be safe.
    return true;
  }
  // IPv4-mapped (::ffff:a.b.c.d, also written ::ffff:7f00:1) reaches the IPv4 address.
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return blockedV4.check([...bytes.subarray(12)].join("."), "ipv4");
  }
  return blockedV6.some(({ network, prefix }) => inPrefix(bytes, network, prefix));
}
