/**
 * Scale-out costs, Redis against the single-process SQLite mode measured in the same run:
 * (1) event append throughput through run writers (events per second); (2) latency from a
 * writer's enqueue to a subscriber holding the event, p50/p99 (SQLite: published in process
 * after the append; Redis: read back by a blocking reader on its own connection, as a server
 * streaming a worker's run does); (3) runs per second with two worker processes versus one
 * (offline model paced at 2 ms per token, 4 runs at once per worker, so the workers' run slots
 * are the limit, as with a real provider).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventLog } from "../src/events/event-log.js";
import { EventStamper, flatten } from "../src/events/index.js";
import { RunWriter } from "../src/runs/run-writer.js";
import { followEvents, RedisRunStore, RunQueue } from "../src/scale/index.js";
import { startTestRedis } from "../src/scale/test-support/redis-server.js";
import { spawnCrewstream, type SpawnedProcess } from "../src/scale/test-support/spawn-node.js";
import { SqliteRunStore, type RunStore } from "../src/store/index.js";
import { fmt, median, percentile, report } from "./harness.js";

const RUNS = 10;
const EVENTS_PER_RUN = 5000;
const LATENCY_EVENTS = 2000;
const CREWS = fileURLToPath(new URL("../src/server/fixtures/crews", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "crewstream-redis-bench-"));
const redis = await startTestRedis();
let n = 0;

const delta = (stamper: EventStamper, i: number) =>
  stamper.stamp({ type: "text.delta", agent: "writer", task: "draft", delta: `token ${i} ` });

async function appendThroughput(store: RunStore): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: RUNS }, async () => {
      const runId = `append-${n++}`;
      await store.createRun({ id: runId, crew: "bench", inputs: {}, status: "running" });
      const stamper = new EventStamper(runId);
      const writer = new RunWriter(runId, store, 0, {
        publish() {},
        fail(error) {
          throw error;
        },
      });
      for (let i = 0; i < EVENTS_PER_RUN; i++) {
        writer.enqueue(delta(stamper, i));
        if (i % 500 === 0) await writer.backpressure();
      }
      await writer.drained();
    }),
  );
  return (RUNS * EVENTS_PER_RUN) / ((performance.now() - start) / 1000);
}

/** Enqueues one event per ms; answers each event's enqueue-to-subscriber latency in ms. */
async function latency(
  store: RunStore,
  subscribe: (runId: string, publish: EventLog) => AsyncIterable<{ seq: number }>,
): Promise<number[]> {
  const runId = `latency-${n++}`;
  await store.createRun({ id: runId, crew: "bench", inputs: {}, status: "running" });
  const log = new EventLog({
    runId,
    read: (after, limit) => store.readEvents(runId, after, limit),
  });
  const sent = new Map<number, number>();
  const samples: number[] = [];
  const writer = new RunWriter(runId, store, 0, {
    publish: (batch) => log.publish(batch),
    fail(error) {
      throw error;
    },
  });
  const reading = (async () => {
    for await (const event of subscribe(runId, log)) {
      samples.push(performance.now() - sent.get(event.seq)!);
      if (event.seq === LATENCY_EVENTS) return;
    }
  })();
  const stamper = new EventStamper(runId);
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const event = delta(stamper, i);
    sent.set(event.seq, performance.now());
    writer.enqueue(event);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await writer.drained();
  await reading;
  return samples;
}

/** Starts `runs` runs on `workers` worker processes; answers runs per second. */
async function runsPerSecond(workers: number, runs: number): Promise<number> {
  const prefix = `w${workers}:`;
  const env = { CREWSTREAM_OFFLINE_TOKEN_MS: "2", CREWSTREAM_MODEL: "offline" };
  const spawned: SpawnedProcess[] = await Promise.all(
    Array.from({ length: workers }, () =>
      spawnCrewstream(
        [
          "worker",
          "--redis",
          redis.url,
          "--redis-prefix",
          prefix,
          "--crews",
          CREWS,
          "--concurrency",
          "8",
        ],
        /taking runs/,
        env,
      ),
    ),
  );
  const store = new RedisRunStore({ url: redis.url, prefix });
  const queue = new RunQueue(store.connect(), prefix);
  const start = performance.now();
  const ids = Array.from({ length: runs }, (_, i) => `run-${i}`);
  for (const id of ids) {
    await store.createRun({ id, crew: "duo", inputs: { topic: `topic ${id}` }, status: "queued" });
    await queue.enqueue(id);
  }
  for (const id of ids) for await (const batch of followEvents(store, id, 0)) void batch;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(spawned.map((p) => p.kill("SIGTERM")));
  await queue.close();
  await store.close();
  return runs / seconds;
}

try {
  const sqlite = new SqliteRunStore({ path: join(dir, "bench.db") });
  const viaRedis = new RedisRunStore({ url: redis.url, prefix: "bench:" });
  await appendThroughput(sqlite);
  await appendThroughput(viaRedis);
  const sqliteRates: number[] = [];
  const redisRates: number[] = [];
  for (let i = 0; i < 3; i++) {
    sqliteRates.push(await appendThroughput(sqlite));
    redisRates.push(await appendThroughput(viaRedis));
  }
  console.log("Event appends through run writers (median of 3)");
  report("SQLite events/s", fmt(median(sqliteRates), 0));
  report("Redis events/s", fmt(median(redisRates), 0));
  report("Redis / SQLite", fmt(median(redisRates) / median(sqliteRates)));

  const local = await latency(sqlite, (runId, log) => flatten(log.subscribe(0)));
  const reader = new RedisRunStore({ url: redis.url, prefix: "bench:" });
  const remote = await latency(viaRedis, (runId) => flatten(followEvents(reader, runId, 0)));
  console.log(`Enqueue-to-subscriber latency, ${LATENCY_EVENTS} events at 1 per ms`);
  report(
    "SQLite, in-process subscriber p50 / p99 ms",
    `${fmt(percentile(local, 50))} / ${fmt(percentile(local, 99))}`,
  );
  report(
    "Redis, blocking reader p50 / p99 ms",
    `${fmt(percentile(remote, 50))} / ${fmt(percentile(remote, 99))}`,
  );
  await reader.close();
  await sqlite.close();
  await viaRedis.close();

  const runs = 24;
  const one = await runsPerSecond(1, runs);
  const two = await runsPerSecond(2, runs);
  console.log(`Runs of a two-task crew (offline model, 2 ms/token), ${runs} runs`);
  report("1 worker runs/s", fmt(one));
  report("2 workers runs/s", fmt(two));
  report("2 workers / 1 worker", fmt(two / one));
} finally {
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
}
