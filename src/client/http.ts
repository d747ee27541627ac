/**
 * The HTTP plumbing shared by every client call: URL building, the bearer token, JSON bodies,
 * and turning `{ error: { code, message } }` bodies into {@link CrewError}s.
 */
import type { z } from "zod";
import { CrewError, ErrorCode, errorBodySchema } from "../events/index.js";

/** How to reach a crewstream server. */
export interface ConnectionOptions {
  /** Origin (and optional path prefix) of the server, e.g. `http://127.0.0.1:3000`; "" for same origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <token>` when the server runs with `CREWSTREAM_TOKEN`. */
  token?: string;
  /** The fetch to use; defaults to the global one (browsers, Node 18+). */
  fetch?: typeof fetch;
}

/** Joins the base URL and an `/api/...` path. */
export function apiUrl(options: ConnectionOptions, path: string): string {
  const base = (options.baseUrl ?? "").replace(/\/+$/, "");
  return `${base}${path}`;
}

/** Request headers with the token (if any) and the given extras. */
export function apiHeaders(
  options: ConnectionOptions,
  extra: Record<string, string> = {},
): Record<string, string> {
  return options.token ? { ...extra, authorization: `Bearer ${options.token}` } : extra;
}

/** HTTP statuses worth trying again: the server is restarting, overloaded or behind a proxy hiccup. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Reads an error response into a CrewError carrying the server's code and message. */
export async function errorFromResponse(response: Response): Promise<CrewError> {
  const retryable = isRetryableStatus(response.status);
  // A body that is not an error body (a proxy's HTML page) gets a message from the status.
  const body = errorBodySchema.safeParse(await response.json().catch(() => undefined));
  if (body.success) return CrewError.fromInfo(body.data.error, { retryable });
  return new CrewError(
    ErrorCode.INTERNAL,
    `The server answered ${response.status} ${response.statusText}.`,
    { retryable },
  );
}

/**
 * Sends one request and returns its response when it is a success; throws a CrewError built from
 * the error body otherwise. Network failures reject with the fetch's own error (a TypeError).
 */
export async function apiFetch(
  options: ConnectionOptions,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers = apiHeaders(options, { accept: "application/json", ...init.headers });
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await doFetch(apiUrl(options, path), {
    method: init.method ?? "GET",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/**
 * {@link apiFetch}, then read the JSON body with `schema` (one of the API's answer schemas).
 * An answer of another shape throws CrewError `internal` naming the path, so a client never
 * works on a shape it does not understand.
 */
export async function apiJson<S extends z.ZodType>(
  options: ConnectionOptions,
  path: string,
  schema: S,
  init: Parameters<typeof apiFetch>[2] = {},
): Promise<z.output<S>> {
  const response = await apiFetch(options, path, init);
  const parsed = schema.safeParse(await response.json());
  if (parsed.success) return parsed.data;
  throw new CrewError(
    ErrorCode.INTERNAL,
    `The server's answer to ${path} has an unexpected shape: ${parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
      .join("; ")}.`,
  );
}
