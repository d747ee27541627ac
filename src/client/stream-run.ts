/**
 * Starting a run and streaming it in one call (`POST /api/crew/stream`). The run's id comes
 * from the `X-Run-Id` header before any event; if the connection breaks, the stream resumes
 * from the last `seq` through `GET /api/runs/:id/events`, so no event is lost or repeated.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { CrewEvent, Inputs } from "../events/index.js";
import { apiHeaders, apiUrl, errorFromResponse } from "./http.js";
import { resumableEvents } from "./subscribe.js";
import type { SubscribeOptions } from "./subscribe.js";

/** Options of {@link streamRun}. */
export interface StreamRunOptions extends Omit<SubscribeOptions, "after"> {
  /** The crew's name; the server's default crew when absent. */
  crew?: string | undefined;
  /** The run's inputs (`{placeholders}` of the crew). */
  inputs: Inputs;
  /** The thread the run is a turn of: it sees the conversation so far. */
  threadId?: string | undefined;
}

/** A started run: its id, and its events (iterate once). */
export interface RunStream extends AsyncIterable<CrewEvent> {
  readonly runId: string;
}

/**
 * Starts a run and returns once the server accepted it (its id is known).
 *
 * Throws a CrewError when the server refuses the run (`crew_not_found`, `missing_input`,
 * `bad_request`, `unauthorized`...). Aborting `signal` stops watching; the run goes on until
 * `cancel(runId)`.
 */
export async function streamRun(options: StreamRunOptions): Promise<RunStream> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const body = {
    ...(options.crew === undefined ? {} : { crew: options.crew }),
    inputs: options.inputs,
    ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
  };
  const response = await doFetch(apiUrl(options, "/api/crew/stream"), {
    method: "POST",
    headers: apiHeaders(options, {
      accept: "text/event-stream",
      "content-type": "application/json",
    }),
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) throw await errorFromResponse(response);
  const runId = response.headers.get("x-run-id");
  if (!runId) {
    await response.body?.cancel();
    throw new CrewError(
      ErrorCode.INTERNAL,
      "The server did not name the run (no X-Run-Id header).",
    );
  }
  const events = resumableEvents(runId, { ...options, after: 0, initial: response });
  return { runId, [Symbol.asyncIterator]: () => events };
}
