import { describe, expect, it } from "vitest";
import { apiError } from "./test-support/api-error.js";
import { CrewError, ErrorCode } from "../events/index.js";
import { backoffDelay } from "../util/index.js";
import { callWithRetry, type RetryInfo } from "./retry.js";

describe("callWithRetry", () => {
  const fixedJitter = () => 0.5;

  it("retries with exponential backoff and reports every wait", async () => {
    const retries: RetryInfo[] = [];
    const result = await callWithRetry(
      async (n) => {
        if (n < 4) throw apiError(500);
        return `ok on ${n}`;
      },
      {
        baseDelayMs: 2,
        maxDelayMs: 6,
        random: fixedJitter,
        onRetry: (info) => void retries.push(info),
      },
    );
    expect(result).toBe("ok on 4");
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(retries.map((r) => r.delayMs)).toEqual([
      backoffDelay(1, 2, 6, fixedJitter),
      backoffDelay(2, 2, 6, fixedJitter),
      backoffDelay(3, 2, 6, fixedJitter),
    ]);
    expect(retries[0]).toMatchObject({
      reason: "server error (500)",
      code: ErrorCode.PROVIDER_ERROR,
    });
  });

  it("waits as long as Retry-After says", async () => {
    const retries: RetryInfo[] = [];
    await callWithRetry(
      async (n) => {
        if (n === 1) throw apiError(429, { "retry-after-ms": "5" });
        return "ok";
      },
      { onRetry: (info) => void retries.push(info) },
    );
    expect(retries).toEqual([
      { attempt: 1, delayMs: 5, reason: "rate limited (429)", code: ErrorCode.RATE_LIMITED },
    ]);
  });

  it("gives up after maxRetries with the classified code and the cause", async () => {
    const last = apiError(429, { "retry-after-ms": "1" });
    const error = await callWithRetry(async () => Promise.reject(last), { maxRetries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(CrewError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryable: true, cause: last });
    expect((error as Error).message).toMatch(/after 3 attempts/);
  });

  it("fails at once on rejected credentials", async () => {
    let calls = 0;
    const error = await callWithRetry(async () => {
      calls++;
      throw apiError(401);
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: ErrorCode.PROVIDER_AUTH, retryable: false });
  });

  it("ends a wait at once when the signal aborts, as cancelled", async () => {
    const controller = new AbortController();
    const error = await callWithRetry(async () => Promise.reject(apiError(503)), {
      signal: controller.signal,
      baseDelayMs: 60_000,
      onRetry: () => controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.CANCELLED });
  });
});
