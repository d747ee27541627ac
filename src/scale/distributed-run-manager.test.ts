import { afterAll, beforeAll } from "vitest";
import { RunManager } from "../runs/index.js";
import { runServiceContract } from "../runs/run-service.contract.js";
import { DistributedRunManager } from "./distributed-run-manager.js";
import { RedisRunStore } from "./redis-store.js";
import { RunQueue } from "./run-queue.js";
import { RunWorker } from "./run-worker.js";
import { startTestRedis, type TestRedis } from "./test-support/redis-server.js";

const quiet = { error: () => undefined };
let redis: TestRedis;
let n = 0;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

runServiceContract(
  "RunManager on Redis",
  async (resolveRunner) => {
    const store = new RedisRunStore({ url: redis.url, prefix: `local${n++}:` });
    const runs = new RunManager({ store, resolveRunner, maxConcurrentRuns: 1, logger: quiet });
    return {
      runs,
      close: async () => {
        await runs.close();
        await store.close();
      },
    };
  },
  { dropsSlowConsumers: true },
);

runServiceContract(
  "DistributedRunManager with a worker",
  async (resolveRunner) => {
    const prefix = `distributed${n++}:`;
    const store = new RedisRunStore({ url: redis.url, prefix });
    const worker = new RunWorker({ store, resolveRunner, concurrency: 1, logger: quiet });
    await worker.start();
    const queue = new RunQueue(store.connect(), prefix);
    const runs = new DistributedRunManager({ store, queue, resolveRunner, logger: quiet });
    return {
      runs,
      close: async () => {
        await runs.close();
        await worker.close();
        await store.close();
      },
    };
  },
  { dropsSlowConsumers: false },
);
