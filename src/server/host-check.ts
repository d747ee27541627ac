/**
 * The `Host` check that defeats DNS rebinding. A page on any site can make its own name resolve
 * to 127.0.0.1; the browser then treats a local server as that site (same origin, so CORS and
 * the WebSocket origin check both pass) and the request arrives with `Host: evil.test`. A server
 * bound to a loopback address therefore answers only requests whose `Host` names loopback on its
 * own port, or one of the names it was told to accept (`--allowed-hosts`).
 */
import type { MiddlewareHandler } from "hono";
import { ErrorCode } from "../events/index.js";
import type { ErrorBody } from "../events/index.js";

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "::1"]);

/** True for an interface name or address that only this machine can reach. */
export function isLoopbackBind(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return LOOPBACK_NAMES.has(bare) || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** Splits `--allowed-hosts` / `CREWSTREAM_ALLOWED_HOSTS` (comma- or space-separated). */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

/** Decides whether a request's `Host` header may be served. */
export type HostCheck = (host: string | undefined) => boolean;

/**
 * The check of a server bound to a loopback address: `Host` must be 127.0.0.1, localhost or
 * [::1] with the server's port (read when a request arrives, since port 0 is chosen on listen),
 * or a name in `allowedHosts`, given as `name` (any port) or `name:port`.
 */
export function loopbackHostCheck(port: () => number, allowedHosts: readonly string[]): HostCheck {
  const allowed = new Set(allowedHosts.map((name) => name.toLowerCase()));
  return (header) => {
    if (header === undefined) return false;
    const host = header.trim().toLowerCase();
    const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(host);
    if (!match?.[1]) return false;
    const name = match[1].replace(/\.$/, "");
    if (allowed.has(host) || allowed.has(name)) return true;
    const bare = name.replace(/^\[|\]$/g, "");
    return LOOPBACK_NAMES.has(bare) && Number(match[2] ?? 80) === port();
  };
}

/** The message of a refused `Host`. */
export function hostRefusal(host: string | undefined): string {
  return `This server does not answer for Host "${host ?? ""}"; it answers for 127.0.0.1, localhost and [::1] on its port. Add the name with --allowed-hosts (CREWSTREAM_ALLOWED_HOSTS) to serve it.`;
}

/** HTTP status of a refused `Host`: Misdirected Request. */
export const HOST_REFUSED_STATUS = 421;

/** Middleware answering 421 with a JSON error to requests whose `Host` fails `check`. */
export function requireHost(check: HostCheck): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host");
    if (!check(host)) {
      const body: ErrorBody = {
        error: { code: ErrorCode.BAD_REQUEST, message: hostRefusal(host) },
      };
      return c.json(body, HOST_REFUSED_STATUS);
    }
    await next();
  };
}
