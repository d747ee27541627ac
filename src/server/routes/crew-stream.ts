/**
 * `POST /api/crew/stream`: starts a run and answers with its event stream (SSE, or JSONL on
 * `Accept: application/x-ndjson`), naming the run in `X-Run-Id`. Closing the stream detaches
 * this watcher; the run goes on unless the body asked for `onDisconnect: "cancel"`.
 */
import { Hono } from "hono";
import { startRunBodySchema } from "../../events/index.js";
import type { RouteDeps } from "../deps.js";
import { eventStreamResponse, streamFormat } from "../event-response.js";
import { readJson } from "../read-json.js";
import { watchStartedRun } from "../../runs/index.js";

/** Routes of the streaming start. */
export function crewStreamRoutes(deps: RouteDeps): Hono {
  return new Hono().post("/crew/stream", async (c) => {
    const body = await readJson(c, startRunBodySchema);
    // Take the stream slot first, so a client over its cap never starts a run it cannot watch.
    const release = deps.limiter.acquire(deps.clientKey(c));
    try {
      const run = await deps.runs.start({
        inputs: body.inputs,
        source: "http",
        onDisconnect: body.onDisconnect ?? "continue",
        ...(body.timeoutMs === undefined ? {} : { timeoutMs: body.timeoutMs }),
        ...(body.crew === undefined ? {} : { crew: body.crew }),
        ...(body.threadId === undefined ? {} : { threadId: body.threadId }),
      });
      const abort = new AbortController();
      // The run exists (its row is committed): answer now, and open its events after.
      return eventStreamResponse(deps, c, {
        runId: run.id,
        format: streamFormat(c),
        batches: watchStartedRun(deps.runs, run.id, { signal: abort.signal }),
        abort,
        release,
      });
    } catch (error) {
      release();
      throw error;
    }
  });
}
