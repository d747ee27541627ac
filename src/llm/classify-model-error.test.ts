import { JSONParseError, RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { apiError } from "./test-support/api-error.js";
import { ErrorCode } from "../events/index.js";
import { classifyModelError, retryAfterMs } from "./classify-model-error.js";

describe("classifyModelError", () => {
  it("does not retry rejected credentials", () => {
    expect(classifyModelError(apiError(401))).toMatchObject({
      retryable: false,
      code: ErrorCode.PROVIDER_AUTH,
    });
    expect(classifyModelError(apiError(403))).toMatchObject({
      retryable: false,
      code: ErrorCode.PROVIDER_AUTH,
    });
  });

  it("retries 429 and honours Retry-After in seconds, ms, or as a date", () => {
    expect(classifyModelError(apiError(429, { "retry-after": "3" }))).toEqual({
      retryable: true,
      delayMs: 3000,
      reason: "rate limited (429)",
      code: ErrorCode.RATE_LIMITED,
    });
    expect(classifyModelError(apiError(429, { "Retry-After-Ms": "250" })).delayMs).toBe(250);
    expect(classifyModelError(apiError(429)).delayMs).toBeUndefined();
    expect(retryAfterMs({ "retry-after": new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
    expect(retryAfterMs({ "retry-after": "soon" })).toBeUndefined();
  });

  it("retries server errors, network errors and malformed streams", () => {
    expect(classifyModelError(apiError(503))).toMatchObject({
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
      reason: "server error (503)",
    });
    expect(classifyModelError(apiError(undefined, {}, true))).toMatchObject({
      retryable: true,
      reason: "network error",
    });
    expect(
      classifyModelError(new JSONParseError({ text: "{oops", cause: new Error("bad") })),
    ).toMatchObject({
      retryable: true,
      code: ErrorCode.PROVIDER_ERROR,
    });
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(classifyModelError(new TypeError("terminated", { cause: reset }))).toMatchObject({
      retryable: true,
      reason: "network error",
    });
  });

  it("does not retry other 4xx answers, aborts or unknown errors", () => {
    expect(classifyModelError(apiError(400))).toMatchObject({
      retryable: false,
      code: ErrorCode.PROVIDER_ERROR,
    });
    expect(classifyModelError(new DOMException("aborted", "AbortError"))).toMatchObject({
      retryable: false,
      code: ErrorCode.CANCELLED,
    });
    expect(classifyModelError(new Error("boom"))).toMatchObject({
      retryable: false,
      code: ErrorCode.INTERNAL,
    });
  });

  it("looks inside the AI SDK's RetryError and other wrappers", () => {
    const wrapped = new RetryError({
      message: "failed",
      reason: "maxRetriesExceeded",
      errors: [apiError(500), apiError(429)],
    });
    expect(classifyModelError(wrapped).code).toBe(ErrorCode.RATE_LIMITED);
    expect(classifyModelError(new Error("no output", { cause: apiError(401) })).code).toBe(
      ErrorCode.PROVIDER_AUTH,
    );
  });
});
