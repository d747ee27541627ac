import { afterEach, describe, expect, it, vi } from "vitest";
import { CrewError } from "../events/index.js";
import { RateLimiter, sharedRateLimiter } from "./rate-limiter.js";

/** A limiter on a manual clock: each wait moves the clock forward by exactly the wait. */
function manualLimiter() {
  const clock = { t: 1_000_000 };
  const waits: number[] = [];
  const limiter = new RateLimiter({
    now: () => clock.t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
      waits.push(ms);
      clock.t += ms;
    },
  });
  return { limiter, clock, waits };
}

describe("RateLimiter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets requests through without a limit", async () => {
    const { limiter, waits } = manualLimiter();
    for (let i = 0; i < 50; i++) await limiter.acquire("openai/gpt-4o-mini");
    expect(waits).toEqual([]);
    expect(limiter.inWindow("openai/gpt-4o-mini")).toBe(50);
  });

  it("keeps a key under its rpm over a sliding 60 s window and reports each wait", async () => {
    const { limiter, clock, waits } = manualLimiter();
    const reported: Array<[number, string]> = [];
    const onWait = (ms: number, reason: string) => reported.push([ms, reason]);
    await limiter.acquire("k", { rpm: 2, onWait });
    clock.t += 10_000;
    await limiter.acquire("k", { rpm: 2, onWait });
    expect(waits).toEqual([]);
    await limiter.acquire("k", { rpm: 2, onWait });
    // The third request waits until the first one leaves the window (60 s after it).
    expect(waits).toEqual([50_000]);
    expect(reported).toEqual([[50_000, "max_rpm 2 reached"]]);
    await limiter.acquire("k", { rpm: 2, onWait });
    expect(waits).toEqual([50_000, 10_000]);
  });

  it("counts keys separately and applies the stricter of setLimit and the call's rpm", async () => {
    const { limiter, waits } = manualLimiter();
    limiter.setLimit("a", 1);
    await limiter.acquire("a", { rpm: 5 });
    await limiter.acquire("b", { rpm: 5 });
    expect(waits).toEqual([]);
    await limiter.acquire("a", { rpm: 5 });
    expect(waits).toEqual([60_000]);
    limiter.setLimit("a", undefined);
    await limiter.acquire("a");
    expect(waits).toEqual([60_000]);
  });

  it("holds a key back after a provider 429 with Retry-After", async () => {
    const { limiter, waits } = manualLimiter();
    limiter.penalize("openai/gpt-4o", 7_000);
    const reasons: string[] = [];
    await limiter.acquire("openai/gpt-4o", { onWait: (_ms, reason) => reasons.push(reason) });
    await limiter.acquire("other");
    expect(waits).toEqual([7_000]);
    expect(reasons[0]).toMatch(/429/);
  });

  it("ends a wait with an AbortError when the signal aborts", async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter();
    await limiter.acquire("k", { rpm: 1 });
    const controller = new AbortController();
    const waiting = limiter.acquire("k", { rpm: 1, signal: controller.signal });
    const outcome = waiting.then(
      () => "resolved",
      (error: Error) => error.name,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    expect(await outcome).toBe("AbortError");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("lets a waiting request through once the window moves on (real timers, faked)", async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter();
    await limiter.acquire("k", { rpm: 1 });
    let done = false;
    const second = limiter.acquire("k", { rpm: 1 }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_001);
    await second;
    expect(done).toBe(true);
  });

  it("rejects a non-positive rpm and exports a shared instance", async () => {
    const { limiter } = manualLimiter();
    await expect(limiter.acquire("k", { rpm: 0 })).rejects.toBeInstanceOf(CrewError);
    expect(() => limiter.setLimit("k", -1)).toThrow(/requests per minute/);
    expect(sharedRateLimiter).toBeInstanceOf(RateLimiter);
  });
});
