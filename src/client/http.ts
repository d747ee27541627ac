/**
 * The HTTP plumbing shared by every client call: URL building, the bearer token, JSON bodies,
 * and turning `{ error: { code, message } }` bodies into {@link CrewError}s.
 */
import { CrewError, ErrorCode } from "../events/index.js";

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
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Reads an error response into a CrewError carrying the server's code and message. */
export async function errorFromResponse(response: Response): Promise<CrewError> {
  let code: string = ErrorCode.INTERNAL;
  let message = `The server answered ${response.status} ${response.statusText}.`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // A body that is not JSON (a proxy's HTML page) keeps the status-based message above.
  }
  const known = Object.values(ErrorCode) as string[];
  const errorCode = (known.includes(code) ? code : ErrorCode.INTERNAL) as ErrorCode;
  return new CrewError(errorCode, message, { retryable: isRetryableStatus(response.status) });
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

/** {@link apiFetch} and parse the JSON body. */
export async function apiJson<T>(
  options: ConnectionOptions,
  path: string,
  init: Parameters<typeof apiFetch>[2] = {},
): Promise<T> {
  const response = await apiFetch(options, path, init);
  return (await response.json()) as T;
}
