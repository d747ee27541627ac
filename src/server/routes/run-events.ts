/**
 * `GET /api/runs/:id/events`: a run's events from a cursor, as SSE or JSONL. `Last-Event-ID`
 * wins over `?after=` (browsers resend the header on reconnect); neither means from the start.
 */
import { Hono } from "hono";
import { runIdSchema } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { eventStreamResponse, streamFormat } from "../event-response.js";
import { parseCursor, validate } from "../read-json.js";
import { openWatch } from "../../runs/index.js";

/** Routes of a run's event stream. */
export function runEventsRoutes(deps: RouteDeps): Hono {
  return new Hono().get("/runs/:id/events", async (c) => {
    const id = validate(runIdSchema, c.req.param("id"), "run id");
    const lastEventId = c.req.header("last-event-id");
    const after =
      lastEventId !== undefined
        ? parseCursor(lastEventId, "Last-Event-ID")
        : parseCursor(c.req.query("after"), "after");
    const release = deps.limiter.acquire(deps.clientKey(c));
    const abort = new AbortController();
    try {
      // Opening checks the run and the cursor, so those errors are answered before streaming.
      const runId = await deps.runs.resolveId(id);
      const batches = await openWatch(deps.runs, runId, { after, signal: abort.signal });
      return eventStreamResponse(deps, c, {
        runId,
        format: streamFormat(c),
        batches,
        abort,
        release,
      });
    } catch (error) {
      release();
      throw error;
    }
  });
}
