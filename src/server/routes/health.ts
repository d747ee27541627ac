/**
 * `GET /api/health`: liveness, version and the run store's write health (503 while the store
 * fails writes, so a load balancer stops sending runs here); and the answer to a plain
 * `GET /api/ws`.
 */
import { Hono } from "hono";
import { ErrorCode } from "../../events/index.js";
import type { Health } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { errorResponse } from "../errors.js";

/** Routes of the health resource. */
export function healthRoutes(deps: RouteDeps): Hono {
  return (
    new Hono()
      .get("/health", (c) => {
        const store = deps.storeHealth?.report();
        const ok = store === undefined || store.status === "ok";
        return c.json<Health>(
          {
            ok,
            name: "crewstream",
            version: deps.version,
            ...(store === undefined ? {} : { store }),
          },
          ok ? 200 : 503,
        );
      })
      // The WebSocket endpoint is served on the HTTP server's upgrade event; a plain GET lands here.
      .get("/ws", () =>
        errorResponse(
          ErrorCode.UPGRADE_REQUIRED,
          "GET /api/ws is a WebSocket endpoint; connect with a WebSocket client.",
          { upgrade: "websocket" },
        ),
      )
  );
}
