/**
 * `GET /api/runs/:id/events`: a run's events from a cursor, as SSE or JSONL. `Last-Event-ID`
 * wins over `?after=` (browsers resend the header on reconnect); neither means from the start.
 */
import { Hono } from "hono";
import { CrewError, ErrorCode } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { eventStreamResponse, streamFormat } from "../event-response.js";
import { parseCursor, validate } from "../read-json.js";
import { runIdSchema } from "../schemas.js";
import { runNotFound } from "./runs.js";

/** Routes of a run's event stream. */
export function runEventsRoutes(deps: RouteDeps): Hono {
  return new Hono().get("/runs/:id/events", async (c) => {
    const id = validate(runIdSchema, c.req.param("id"), "run id");
    const lastEventId = c.req.header("last-event-id");
    const after =
      lastEventId !== undefined ? parseCursor(lastEventId, "Last-Event-ID") : parseCursor(c.req.query("after"), "after");
    const run = await deps.runs.get(id);
    if (!run) throw runNotFound(id);
    // lastSeq only grows, so a cursor valid now stays valid when the stream opens.
    if (after > run.lastSeq) {
      throw new CrewError(
        ErrorCode.BAD_CURSOR,
        `Cursor ${after} is past the run's last event (seq ${run.lastSeq}); resume from at most ${run.lastSeq}.`,
      );
    }
    const release = deps.limiter.acquire(deps.clientKey(c));
    return eventStreamResponse(deps, {
      runId: id,
      format: streamFormat(c),
      source: (signal) => deps.runs.events(id, { after, signal }),
      release,
    });
  });
}
