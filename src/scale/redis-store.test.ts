import { afterAll, beforeAll, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";
import { runStoreContract } from "../store/run-store.contract.js";
import { RedisRunStore } from "./redis-store.js";

let redis: TestRedis;
let n = 0;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

runStoreContract(
  "redis",
  async () => {
    const prefix = `contract${n++}:`;
    return {
      store: new RedisRunStore({ url: redis.url, prefix }),
      reopen: async () => new RedisRunStore({ url: redis.url, prefix }),
    };
  },
  { persistent: true },
);

const stampedRun = (id: string, count: number) => {
  const stamper = new EventStamper(id);
  return Array.from({ length: count }, (_, i) =>
    stamper.stamp({ type: "text.delta", delta: String(i) }),
  );
};

it("wakes a blocked live read as soon as events are appended by another connection", async () => {
  const writer = new RedisRunStore({ url: redis.url, prefix: "live:" });
  const reader = new RedisRunStore({ url: redis.url, prefix: "live:" });
  await writer.createRun({ id: "r", crew: "demo", inputs: {}, status: "running" });
  const events = stampedRun("r", 3);
  const waiting = reader.waitForEvents("r", 1, { blockMs: 10_000 });
  await writer.appendEvents("r", events.slice(0, 1));
  // seq 1 is not after the cursor: the read keeps waiting for seq 2.
  await writer.appendEvents("r", events.slice(1));
  expect(await waiting).toEqual(events.slice(1));
  expect(await reader.waitForEvents("r", 3, { blockMs: 50 })).toEqual([]);
  await writer.close();
  await reader.close();
});

it("ends a blocked live read when its signal aborts", async () => {
  const store = new RedisRunStore({ url: redis.url, prefix: "abort:" });
  await store.createRun({ id: "r", crew: "demo", inputs: {}, status: "running" });
  const abort = new AbortController();
  const waiting = store.waitForEvents("r", 0, { blockMs: 60_000, signal: abort.signal });
  setTimeout(() => abort.abort(), 50);
  expect(await waiting).toEqual([]);
  await store.close();
});

it("expires a finished run after its retention but keeps unfinished ones", async () => {
  const store = new RedisRunStore({ url: redis.url, prefix: "ttl:", retentionMs: 60_000 });
  await store.createRun({ id: "done", crew: "demo", inputs: {}, status: "running" });
  await store.createRun({ id: "live", crew: "demo", inputs: {}, status: "running" });
  const stamper = new EventStamper("done");
  await store.appendEvents("done", [
    stamper.stamp({
      type: "run.start",
      crew: "demo",
      process: "sequential",
      inputs: {},
      agents: [],
      tasks: [],
    }),
    stamper.stamp({
      type: "run.end",
      status: "completed",
      result: "ok",
      usage: { inputTokens: 0, outputTokens: 0 },
      durationMs: 1,
    }),
  ]);
  const ttl = await store.redis.pttl(store.keys.run("done"));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(60_000);
  expect(await store.redis.pttl(store.keys.events("done"))).toBeGreaterThan(0);
  expect(await store.redis.pttl(store.keys.run("live"))).toBe(-1);
  await store.redis.del(store.keys.run("done"), store.keys.events("done"));
  expect((await store.listRuns()).runs.map((r) => r.id)).toEqual(["live"]);
  await store.close();
});
