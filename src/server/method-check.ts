/**
 * Answers requests that match no route: 405 with `Allow` when the path exists under other
 * methods, 404 otherwise. Both carry the JSON error body.
 */
import type { Handler, Hono } from "hono";
import { methodNotAllowedResponse, notFoundHandler } from "./errors.js";

function pattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/** The fallback handler for `app`'s API routes (call after every route is registered). */
export function unmatchedRoute(app: Hono, prefix: string): Handler {
  let table: Array<{ path: string; regex: RegExp; methods: Set<string> }> | undefined;
  return (c) => {
    table ??= buildTable(app, prefix);
    const path = c.req.path;
    const allowed = new Set<string>();
    for (const route of table)
      if (route.regex.test(path)) for (const method of route.methods) allowed.add(method);
    if (allowed.size === 0 || allowed.has(c.req.method)) return notFoundHandler(c);
    if (allowed.has("GET")) allowed.add("HEAD");
    return methodNotAllowedResponse(c.req.method, path, [...allowed]);
  };
}

function buildTable(
  app: Hono,
  prefix: string,
): Array<{ path: string; regex: RegExp; methods: Set<string> }> {
  const byPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL" || !route.path.startsWith(prefix) || route.path.includes("*"))
      continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    byPath.set(route.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({ path, regex: pattern(path), methods }));
}
