/**
 * Scale-out costs, Redis against the single-process SQLite mode measured in the same run, with
 * redis-server persisting as usual in production: AOF on, fsync every second
 * (`--appendonly yes --appendfsync everysec`):
 * (1) event append throughput through run writers (events per second); (2) latency from a
 * writer's enqueue to a subscriber holding the event, p50/p99 (SQLite: published in process
 * after the append; Redis: read back by a blocking reader on its own connection, as a server
 * streaming a worker's run does); (3) runs per second with two worker processes versus one,
 * each configuration given runs >= 4 x workers x concurrency: model-bound (offline model paced
 * at BENCH_MODEL_TOKEN_MS, default 5 ms per token, so the run slots are the limit, as with a
 * real provider; target 2 workers >= 1.8x one) and CPU-bound (no pacing; bounded by the
 * machine's cores; target 2 workers >= 0.9x one, i.e. no loss).
 * Settings: BENCH_WORKER_CONCURRENCY (runs at once per worker, default 8).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventLog } from "../src/events/event-log.js";
import { EventStamper, flatten } from "../src/events/index.js";
import { RunWriter } from "../src/runs/run-writer.js";
import { followEvents, RedisRunStore, RunQueue } from "../src/scale/index.js";
import { freePort } from "../src/scale/test-support/redis-server.js";
import { spawnCrewstream, type SpawnedProcess } from "../src/scale/test-support/spawn-node.js";
import { SqliteRunStore, type RunStore } from "../src/store/index.js";
import { median, percentile } from "./harness.js";
import { BenchResults } from "./results.js";

const RUNS = 10;
const EVENTS_PER_RUN = 5000;
const LATENCY_EVENTS = 2000;
const CREWS = fileURLToPath(new URL("../src/server/fixtures/crews", import.meta.url));
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
const MODEL_TOKEN_MS = Number(process.env.BENCH_MODEL_TOKEN_MS ?? 5);
const dir = mkdtempSync(join(tmpdir(), "crewstream-redis-bench-"));

/** redis-server on a free port with AOF persistence, fsync every second. */
async function startRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    [
      ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
      ...["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    });
    child.stderr.resume();
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const redis = await startRedis();
const results = new BenchResults("redis", {
  redis: "redis-server --appendonly yes --appendfsync everysec (AOF, fsync every second)",
  runsPerAppendRound: RUNS,
  eventsPerRun: EVENTS_PER_RUN,
  workerConcurrency: CONCURRENCY,
  modelBoundTokenMs: MODEL_TOKEN_MS,
  cores: availableParallelism(),
});
console.log("redis-server with AOF persistence, fsync every second (appendfsync everysec)");
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
async function runsPerSecond(workers: number, runs: number, tokenMs: number): Promise<number> {
  const prefix = `w${workers}-${tokenMs}-${n++}:`;
  const env = { CREWSTREAM_OFFLINE_TOKEN_MS: String(tokenMs), CREWSTREAM_MODEL: "offline" };
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
          String(CONCURRENCY),
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
  results.figure("SQLite appends", median(sqliteRates), "events/s", { decimals: 0 });
  results.figure("Redis appends", median(redisRates), "events/s", { decimals: 0 });
  results.figure("Redis / SQLite appends", median(redisRates) / median(sqliteRates), "x");

  const local = await latency(sqlite, (runId, log) => flatten(log.subscribe(0)));
  const reader = new RedisRunStore({ url: redis.url, prefix: "bench:" });
  const remote = await latency(viaRedis, (runId) => flatten(followEvents(reader, runId, 0)));
  console.log(`Enqueue-to-subscriber latency, ${LATENCY_EVENTS} events at 1 per ms`);
  results.figure("SQLite, in-process subscriber p50", percentile(local, 50), "ms");
  results.figure("SQLite, in-process subscriber p99", percentile(local, 99), "ms");
  results.figure("Redis, blocking reader p50", percentile(remote, 50), "ms");
  results.figure("Redis, blocking reader p99", percentile(remote, 99), "ms");
  await reader.close();
  await sqlite.close();
  await viaRedis.close();

  // Enough runs to fill the larger configuration four times over.
  const runs = 4 * 2 * CONCURRENCY;
  for (const [name, tokenMs] of [
    ["model-bound", MODEL_TOKEN_MS],
    ["CPU-bound", 0],
  ] as const) {
    const one = await runsPerSecond(1, runs, tokenMs);
    const two = await runsPerSecond(2, runs, tokenMs);
    console.log(
      `${name}: ${runs} runs of a two-task crew (offline model, ${tokenMs} ms/token), ${CONCURRENCY} at once per worker, ${availableParallelism()} cores`,
    );
    results.figure(`${name}: 1 worker`, one, "runs/s");
    results.figure(`${name}: 2 workers`, two, "runs/s");
    const limit = name === "model-bound" ? 1.8 : 0.9;
    results.figure(`${name}: 2 workers / 1 worker`, two / one, "x", {
      target: {
        ok: two / one >= limit,
        text:
          name === "model-bound"
            ? ">= 1.80x (the run slots double)"
            : `>= 0.90x (bounded by ${availableParallelism()} cores)`,
      },
    });
  }
  await results.write();
} finally {
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
}
