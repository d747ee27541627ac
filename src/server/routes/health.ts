/** `GET /api/health`: liveness and version; and the answer to a plain `GET /api/ws`. */
import { Hono } from "hono";
import { ErrorCode } from "../../events/index.js";
import type { Health } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { errorResponse } from "../errors.js";

/** Routes of the health resource. */
export function healthRoutes(deps: RouteDeps): Hono {
  return (
    new Hono()
      .get("/health", (c) =>
        c.json<Health>({ ok: true, name: "crewstream", version: deps.version }),
      )
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
