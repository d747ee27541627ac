/**
 * The one error class of crewstream. Every failure that reaches a user (a `run.end` error, an
 * HTTP error body, a CLI message) is a {@link CrewError} with a code from {@link ErrorCode}.
 */
import type { ErrorInfo } from "./protocol.js";

/** Error codes, with the HTTP status an edge answers them with. */
export const ErrorCode = {
  /** Input that does not validate: a body, a flag, an inputs object. */
  BAD_REQUEST: "bad_request",
  /** A crew definition (YAML or code) is wrong; the message names file, key and line. */
  INVALID_CREW: "invalid_crew",
  /** A `{placeholder}` has no value in the run's inputs. */
  MISSING_INPUT: "missing_input",
  /** An input the crew does not use (a misspelt name); crew.yaml `extra_inputs: true` allows any. */
  UNKNOWN_INPUT: "unknown_input",
  /** No crew with that name in the crews folder. */
  CREW_NOT_FOUND: "crew_not_found",
  /** No run with that id. */
  RUN_NOT_FOUND: "run_not_found",
  /** No route with that path. */
  NOT_FOUND: "not_found",
  /** A known path asked with a method it does not take (the `Allow` header lists those). */
  METHOD_NOT_ALLOWED: "method_not_allowed",
  /** A WebSocket endpoint asked with plain HTTP. */
  UPGRADE_REQUIRED: "upgrade_required",
  /** A service the server needs (the Redis run store) cannot be reached; retry later. */
  UNAVAILABLE: "unavailable",
  /** A cursor that is not a non-negative integer or is past the run's last seq. */
  BAD_CURSOR: "bad_cursor",
  /** The request needs a token and has none or a wrong one. */
  UNAUTHORIZED: "unauthorized",
  /** Body over the size limit. */
  PAYLOAD_TOO_LARGE: "payload_too_large",
  /** Body is not application/json. */
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  /** Too many streams or runs for this client. */
  TOO_MANY_REQUESTS: "too_many_requests",
  /** A stream's consumer fell too far behind the live run and was dropped; resume from its cursor. */
  SLOW_CONSUMER: "slow_consumer",
  /** The action does not fit the run's state (e.g. input for a finished run). */
  CONFLICT: "conflict",
  /** "provider/model" names no known provider. */
  UNKNOWN_PROVIDER: "unknown_provider",
  /** A provider was named but its API key is not set. */
  MISSING_API_KEY: "missing_api_key",
  /** The provider rejected the key (401/403). */
  PROVIDER_AUTH: "provider_auth",
  /** The provider kept answering 429 after every retry. */
  RATE_LIMITED: "rate_limited",
  /** The provider failed (5xx, network, malformed stream) after every retry. */
  PROVIDER_ERROR: "provider_error",
  /** The model produced something unusable (empty answer, bad tool call after max_iter). */
  MODEL_OUTPUT: "model_output",
  /** A tool threw. The model sees it; the run fails only if the tool error is fatal. */
  TOOL_ERROR: "tool_error",
  /** The run was cancelled (abort, Ctrl-C, cancel request). */
  CANCELLED: "cancelled",
  /** The process running the run died; written on recovery. */
  INTERRUPTED: "interrupted",
  /** A process crew exited non-zero or hung. */
  PROCESS_FAILED: "process_failed",
  /** A task's output did not match its output schema after every retry; the message names the path. */
  INVALID_OUTPUT: "invalid_output",
  /** A task's guardrail rejected its output after every retry; the message carries the last feedback. */
  GUARDRAIL_FAILED: "guardrail_failed",
  /** A run, a task or a process took longer than allowed. */
  TIMEOUT: "timeout",
  /** The run store cannot be opened or written (disk full, read-only, corrupt, locked). */
  STORE_ERROR: "store_error",
  /** A bug or an unexpected failure. The message sent to clients is generic. */
  INTERNAL: "internal",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status for each code, used by the server's error handler. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_crew: 400,
  missing_input: 400,
  unknown_input: 400,
  crew_not_found: 404,
  run_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  upgrade_required: 426,
  unavailable: 503,
  bad_cursor: 400,
  unauthorized: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  slow_consumer: 429,
  conflict: 409,
  unknown_provider: 400,
  missing_api_key: 400,
  provider_auth: 502,
  rate_limited: 503,
  provider_error: 502,
  model_output: 502,
  invalid_output: 502,
  guardrail_failed: 422,
  tool_error: 500,
  cancelled: 409,
  interrupted: 500,
  process_failed: 500,
  timeout: 504,
  store_error: 503,
  internal: 500,
};

/** Options of {@link CrewError}. */
export interface CrewErrorOptions {
  /** The underlying error, logged but never sent to clients. */
  cause?: unknown;
  /** Whether trying again may succeed (rate limits, transient provider errors). */
  retryable?: boolean;
}

/** A crewstream failure with a stable `code` and a message safe to show to a user. */
export class CrewError extends Error {
  override readonly name = "CrewError";
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: CrewErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  /** The `{ code, message }` pair sent to clients. */
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }

  /**
   * The CrewError a client rebuilds from a `{ code, message }` it received. A code this version
   * does not know (from a newer server) becomes `internal`, keeping the server's message.
   */
  static fromInfo(info: ErrorInfo, options: CrewErrorOptions = {}): CrewError {
    const known = (Object.values(ErrorCode) as string[]).includes(info.code);
    return new CrewError(
      known ? (info.code as ErrorCode) : ErrorCode.INTERNAL,
      info.message,
      options,
    );
  }

  /** True for any CrewError, also across module copies. */
  static is(value: unknown): value is CrewError {
    return (
      value instanceof CrewError ||
      (value instanceof Error && value.name === "CrewError" && "code" in value)
    );
  }
}

/** True when `error` is an abort (AbortSignal, DOMException "AbortError", AI SDK abort). */
export function isAbortError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError" || error.name === "ResponseAborted") return true;
  return CrewError.is(error) && error.code === ErrorCode.CANCELLED;
}

/**
 * Normalises anything thrown into a {@link CrewError}. Unknown errors become `internal`
 * with a generic message; the original is kept as `cause` for the log.
 */
export function toCrewError(error: unknown): CrewError {
  if (CrewError.is(error)) return error;
  if (isAbortError(error))
    return new CrewError(ErrorCode.CANCELLED, "The run was cancelled.", { cause: error });
  return new CrewError(ErrorCode.INTERNAL, "An internal error occurred.", { cause: error });
}
