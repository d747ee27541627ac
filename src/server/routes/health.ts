/** `GET /api/health`: liveness and version. */
import { Hono } from "hono";
import type { RouteDeps } from "../deps.js";

/** Routes of the health resource. */
export function healthRoutes(deps: RouteDeps): Hono {
  return new Hono().get("/health", (c) => c.json({ ok: true, name: "crewstream", version: deps.version }));
}
