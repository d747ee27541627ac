/**
 * Streams a run's events as an HTTP response, SSE by default or JSONL when the client accepts
 * `application/x-ndjson`. Holds one of the client's stream slots until the stream ends.
 */
import type { Context } from "hono";
import {
  JSONL_CONTENT_TYPE,
  JSONL_HEADERS,
  SSE_HEADERS,
  toJsonlStream,
  toSseStream,
} from "../transport/index.js";
import type { CrewEvent } from "../events/index.js";
import type { RouteDeps } from "./deps.js";

/** The wire format a request asks for. */
export type StreamFormat = "sse" | "jsonl";

/** JSONL when `Accept` names `application/x-ndjson` (or `application/jsonl`), SSE otherwise. */
export function streamFormat(c: Context): StreamFormat {
  const accept = c.req.header("accept")?.toLowerCase() ?? "";
  return accept.includes(JSONL_CONTENT_TYPE) || accept.includes("application/jsonl")
    ? "jsonl"
    : "sse";
}

/** Options of {@link eventStreamResponse}. */
export interface EventStreamResponseOptions {
  runId: string;
  format: StreamFormat;
  /** The run's events. */
  source: AsyncIterable<CrewEvent>;
  /** Aborted when the client goes away, which ends `source`. */
  abort: AbortController;
  /** Releases the client's stream slot (taken by the caller before any work). */
  release: () => void;
  /** HTTP status (default 200). */
  status?: number;
}

/** The streaming response for a run, with `X-Run-Id`. */
export function eventStreamResponse(
  deps: RouteDeps,
  options: EventStreamResponseOptions,
): Response {
  const onError = (error: unknown): void =>
    deps.logger.error(`event stream of run ${options.runId} failed`, error);
  const source = (signal: AbortSignal): AsyncIterable<CrewEvent> => {
    signal.addEventListener("abort", () => options.abort.abort(), { once: true });
    return options.source;
  };
  const body =
    options.format === "jsonl"
      ? toJsonlStream(source, { onError, onClose: options.release })
      : toSseStream(source, { pingMs: deps.pingMs, onError, onClose: options.release });
  const headers = {
    ...(options.format === "jsonl" ? JSONL_HEADERS : SSE_HEADERS),
    "x-run-id": options.runId,
  };
  return new Response(body, {
    status: options.status ?? 200,
    headers,
  });
}
