/**
 * Streams a run's events as an HTTP response, SSE by default or JSONL when the client accepts
 * `application/x-ndjson`. Holds one of the client's stream slots until the stream ends.
 *
 * Under @hono/node-server the events are written straight to the Node response (the route
 * answers with `RESPONSE_ALREADY_SENT`); elsewhere (a Next.js route, any fetch runtime) the
 * answer is a `Response` with a streamed body. Both send the same bytes.
 */
import { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { CrewEvent } from "../events/index.js";
import {
  DEFAULT_PING_MS,
  JSONL_CONTENT_TYPE,
  JSONL_HEADERS,
  SSE_HEADERS,
  sseComment,
  jsonlEncoder,
  sseEncoder,
  encodeEventStream,
  writeEventStream,
  type EncodeEventStreamOptions,
} from "../transport/index.js";
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
  /** The run's events, in batches (as `openWatch` gives them). */
  batches: AsyncIterable<readonly CrewEvent[]>;
  /** Aborted when the client goes away, which ends `batches`. */
  abort: AbortController;
  /** Releases the client's stream slot (taken by the caller before any work). */
  release: () => void;
  /** HTTP status (default 200). */
  status?: number;
}

/** The HTTP/1 response object under @hono/node-server, when the app runs there. */
function nodeResponseOf(c: Context): ServerResponse | undefined {
  const env = c.env as { outgoing?: unknown } | undefined;
  const outgoing = env?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined;
}

/** Headers middleware already set on the context (CORS), plus the stream's own. */
function responseHeaders(
  deps: RouteDeps,
  c: Context,
  own: Record<string, string>,
): Record<string, string> {
  if (deps.middlewareHeaders === false) return own;
  const headers: Record<string, string> = {};
  c.res.headers.forEach((value, key) => (headers[key] = value));
  if (headers["access-control-allow-origin"] !== undefined) headers.vary = "Origin";
  return { ...headers, ...own };
}

/** The streaming response for a run, with `X-Run-Id`. */
export function eventStreamResponse(
  deps: RouteDeps,
  c: Context,
  options: EventStreamResponseOptions,
): Response {
  const encoding: EncodeEventStreamOptions = {
    encode: options.format === "jsonl" ? jsonlEncoder : sseEncoder,
    // NDJSON has no comment syntax, so JSONL streams get no keep-alive.
    ...(options.format === "sse"
      ? { heartbeat: sseComment("ping"), heartbeatMs: deps.pingMs ?? DEFAULT_PING_MS }
      : {}),
    onError: (error) => deps.logger.error(`event stream of run ${options.runId} failed`, error),
    onClose: options.release,
    // The controller that bounds the watch: ending the stream ends the watch.
    abort: options.abort,
  };
  const source = { batches: options.batches };
  const headers = responseHeaders(deps, c, {
    ...(options.format === "jsonl" ? JSONL_HEADERS : SSE_HEADERS),
    "x-run-id": options.runId,
  });
  const outgoing = nodeResponseOf(c);
  if (outgoing) {
    writeEventStream(outgoing, source, {
      ...encoding,
      headers,
      status: options.status ?? 200,
    });
    return RESPONSE_ALREADY_SENT;
  }
  return new Response(encodeEventStream(source, encoding), {
    status: options.status ?? 200,
    headers,
  });
}
