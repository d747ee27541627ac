/**
 * Watching a run's events with automatic resume: after a network error the client reconnects
 * with exponential backoff from the last `seq` it saw (`Last-Event-ID` and `?after=`), and
 * drops anything at or below that cursor, so a consumer sees every event exactly once and in
 * order, ending with `run.end`.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { abortableSleep, backoffDelay } from "../util/index.js";
import { apiHeaders, apiUrl, errorFromResponse } from "./http.js";
import type { ConnectionOptions } from "./http.js";
import { readSseEvents } from "./sse-events.js";

/** The reconnect policy of {@link subscribe}: exponential backoff with jitter, capped. */
export interface RetryOptions {
  /** Delay before the first reconnect attempt (default 250 ms). */
  initialDelayMs?: number;
  /** Longest wait between attempts (default 5 s). */
  maxDelayMs?: number;
  /** Consecutive failed attempts before giving up (default 30); reset by every event received. */
  maxRetries?: number;
}

/** Options of {@link subscribe}. */
export interface SubscribeOptions extends ConnectionOptions {
  /** Start after this `seq` (default 0: from the run's first event). */
  after?: number;
  /** Stops watching (the run goes on); the iteration then ends without an error. */
  signal?: AbortSignal;
  /** Reconnect policy. */
  retry?: RetryOptions;
  /** Called before each reconnect attempt, e.g. to show "reconnecting" in a UI. */
  onReconnect?: (info: { attempt: number; delayMs: number; after: number; error: unknown }) => void;
}

/** Options of {@link resumableEvents}: subscribe's, plus a response already open. */
export interface ResumableOptions extends SubscribeOptions {
  /** An SSE response for this run already being read (e.g. the POST that started it). */
  initial?: Response;
}

/**
 * Yields the events of run `runId` after `options.after`, live until `run.end`.
 *
 * Errors: `run_not_found` and `bad_cursor` (and any other 4xx) are thrown as CrewErrors;
 * network failures and 429/502/503/504 are retried until `retry.maxRetries` consecutive
 * attempts fail, then the last error is thrown.
 */
export function subscribe(
  runId: string,
  options: SubscribeOptions = {},
): AsyncGenerator<CrewEvent> {
  return resumableEvents(runId, options);
}

/** The engine behind {@link subscribe} and `streamRun`. */
export async function* resumableEvents(
  runId: string,
  options: ResumableOptions,
): AsyncGenerator<CrewEvent> {
  let cursor = options.after ?? 0;
  let failures = 0;
  let response = options.initial;
  const maxRetries = options.retry?.maxRetries ?? 30;
  const { signal } = options;
  while (!signal?.aborted) {
    let lastError: unknown;
    try {
      response ??= await openEvents(runId, cursor, options);
      if (!response.body) throw new CrewError(ErrorCode.INTERNAL, "The event stream has no body.");
      for await (const event of readSseEvents(response.body)) {
        if (event.seq <= cursor) continue;
        if (event.seq !== cursor + 1) {
          throw new CrewError(
            ErrorCode.BAD_CURSOR,
            `Expected event ${cursor + 1} of run ${runId}, got ${event.seq}.`,
            {
              retryable: true,
            },
          );
        }
        cursor = event.seq;
        failures = 0;
        yield event;
        if (event.type === "run.end") return;
      }
      lastError = new Error("The event stream ended before run.end.");
    } catch (error) {
      if (signal?.aborted) return;
      if (CrewError.is(error) && !error.retryable) throw error;
      lastError = error;
    }
    response = undefined;
    failures += 1;
    if (failures > maxRetries) throw lastError;
    const delayMs = backoffDelay(
      failures,
      options.retry?.initialDelayMs ?? 250,
      options.retry?.maxDelayMs ?? 5_000,
    );
    options.onReconnect?.({ attempt: failures, delayMs, after: cursor, error: lastError });
    // An abort during the wait ends the loop below instead of throwing at the consumer.
    await abortableSleep(delayMs, signal).catch(() => undefined);
  }
}

async function openEvents(
  runId: string,
  after: number,
  options: SubscribeOptions,
): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers = apiHeaders(options, { accept: "text/event-stream" });
  if (after > 0) headers["last-event-id"] = String(after);
  const path = `/api/runs/${encodeURIComponent(runId)}/events?after=${after}`;
  const response = await doFetch(apiUrl(options, path), {
    headers,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}
