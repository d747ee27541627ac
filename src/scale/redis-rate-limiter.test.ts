import { afterAll, beforeAll, expect, it } from "vitest";
import type { CrewRunner } from "../runs/index.js";
import { scriptedRunner } from "../runs/test-support/scripted-runner.js";
import { followEvents } from "./follow-events.js";
import { RedisRunStore } from "./redis-store.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { RunQueue } from "./run-queue.js";
import { RunWorker } from "./run-worker.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";

let redis: TestRedis;
let store: RedisRunStore;
beforeAll(async () => {
  redis = await startTestRedis();
  store = new RedisRunStore({ url: redis.url, prefix: "rate:" });
});
afterAll(async () => {
  await store.close();
  await redis.close();
});

/** Acquires once; resolves with the wait reason if it had to wait (the wait is aborted at once). */
async function tryAcquire(limiter: RedisRateLimiter, key: string, rpm?: number): Promise<string> {
  const abort = new AbortController();
  let reason = "";
  try {
    await limiter.acquire(key, {
      ...(rpm === undefined ? {} : { rpm }),
      signal: abort.signal,
      onWait: (delayMs, why) => {
        reason = `${why} (${delayMs > 0 ? "positive" : "zero"} delay)`;
        abort.abort();
      },
    });
    return "went out";
  } catch (error) {
    if (reason === "") throw error;
    return reason;
  }
}

it("counts requests of every worker against one max_rpm", async () => {
  const first = new RedisRateLimiter(store.redis, store.keys);
  const second = new RedisRateLimiter(store.redis, store.keys);
  expect(await tryAcquire(first, "agent:a", 3)).toBe("went out");
  expect(await tryAcquire(second, "agent:a", 3)).toBe("went out");
  expect(await tryAcquire(first, "agent:a", 3)).toBe("went out");
  expect(await tryAcquire(second, "agent:a", 3)).toBe("max_rpm 3 reached (positive delay)");
  expect(await tryAcquire(second, "agent:b", 3)).toBe("went out");
});

it("holds a model back for every worker after a provider 429", async () => {
  const first = new RedisRateLimiter(store.redis, store.keys);
  const second = new RedisRateLimiter(store.redis, store.keys);
  expect(await tryAcquire(second, "openai/gpt-4o-mini")).toBe("went out");
  await first.penalize("openai/gpt-4o-mini", 30_000);
  expect(await tryAcquire(second, "openai/gpt-4o-mini")).toMatch(
    /^rate limited by the provider \(429\).*positive delay/,
  );
});

it("applies a limit set with setLimit and refuses a non-positive rpm", async () => {
  const limiter = new RedisRateLimiter(store.redis, store.keys);
  limiter.setLimit("m", 1);
  expect(await tryAcquire(limiter, "m")).toBe("went out");
  expect(await tryAcquire(limiter, "m")).toBe("max_rpm 1 reached (positive delay)");
  expect(() => limiter.setLimit("m", 0)).toThrow(/positive number/);
});

it("is handed by a worker to every run it executes", async () => {
  const prefix = "rate-worker:";
  const runStore = new RedisRunStore({ url: redis.url, prefix });
  const limiter = new RedisRateLimiter(runStore.redis, runStore.keys);
  const seen: unknown[] = [];
  const scripted = scriptedRunner({ name: "limited" });
  const runner: CrewRunner = {
    ...scripted,
    stream: (inputs, options) => {
      seen.push(options.rateLimiter);
      return scripted.stream(inputs, options);
    },
  };
  const worker = new RunWorker({
    store: runStore,
    resolveRunner: async () => runner,
    rateLimiter: limiter,
    logger: { error: () => undefined },
  });
  await worker.start();
  const queue = new RunQueue(runStore.connect(), prefix);
  await runStore.createRun({ id: "r1", crew: "limited", inputs: {}, status: "queued" });
  await queue.enqueue("r1");
  const events = [];
  for await (const batch of followEvents(runStore, "r1", 0)) events.push(...batch);
  expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  expect(seen).toHaveLength(1);
  expect(seen[0]).toBe(limiter);
  await queue.close();
  await worker.close();
  await runStore.close();
});
