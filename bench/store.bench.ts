/**
 * Storage costs: (1) SQLite event append throughput with batched, group-committed writes, as a
 * run's writer makes them (target >= 300,000 events/s), next to the memory store; (2) database
 * bytes per event against the event's JSON (target <= 1.1x); (3) a streaming run's wall time
 * through the run manager with SQLite versus the memory store (target <= 1.05x), the run being
 * the example crew's shape against the fake model server; (4) the per-event cost of a paced
 * live run (the fake model at 1 ms per token): the CPU time SQLite adds per event over the
 * memory store, next to the batched append's cost per event.
 * Settings: BENCH_STORE_RUNS (concurrent runs of the append test, default 10),
 * BENCH_STORE_EVENTS (events per run, default 20,000).
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type * as CrewModule from "../src/engine/index.js";
import type * as Events from "../src/events/index.js";
import type * as Runs from "../src/runs/index.js";
import type * as Runners from "../src/runs/crew-runner.js";
import type * as Writer from "../src/runs/run-writer.js";
import type * as Store from "../src/store/index.js";
import { loadBuilt } from "./built.js";
import { median, startHelperProcess } from "./harness.js";
import { BenchResults } from "./results.js";

// The package as built (what users run), not the TypeScript sources through tsx.
const { Crew } = await loadBuilt<typeof CrewModule>("engine/index.js");
const { EventStamper, flatten } = await loadBuilt<typeof Events>("events/index.js");
const { RunManager } = await loadBuilt<typeof Runs>("runs/index.js");
const { crewRunner } = await loadBuilt<typeof Runners>("runs/crew-runner.js");
const { RunWriter } = await loadBuilt<typeof Writer>("runs/run-writer.js");
const { MemoryRunStore, SqliteRunStore } = await loadBuilt<typeof Store>("store/index.js");
type RunStore = Store.RunStore;
type RunManager = Runs.RunManager;

const RUNS = Number(process.env.BENCH_STORE_RUNS ?? 10);
const EVENTS_PER_RUN = Number(process.env.BENCH_STORE_EVENTS ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), "crewstream-bench-"));
const results = new BenchResults("store", {
  appendRuns: RUNS,
  eventsPerRun: EVENTS_PER_RUN,
  event: "text.delta of a few characters, run ids as the server makes them (UUIDs)",
  streamingRun: "3 agents x 200 tokens, fake model at 0 ms per token, 30 runs each",
  pacedRun: "3 agents x 200 tokens, fake model at 1 ms per token, 6 runs each",
});

/**
 * Appends RUNS x EVENTS_PER_RUN text deltas through run writers; answers events per second
 * and, with `countBytes` (which costs time), the events' JSON bytes.
 */
async function appendThroughput(
  store: RunStore,
  countBytes = false,
): Promise<{ rate: number; jsonBytes: number }> {
  let jsonBytes = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: RUNS }, async () => {
      const runId = randomUUID();
      await store.createRun({ id: runId, crew: "bench", inputs: {}, status: "running" });
      const stamper = new EventStamper(runId);
      const writer = new RunWriter(runId, store, 0, {
        publish() {},
        fail(error) {
          throw error;
        },
      });
      for (let i = 0; i < EVENTS_PER_RUN; i++) {
        const event = stamper.stamp({
          type: "text.delta",
          agent: "writer",
          task: "draft",
          delta: ` token${i % 100}`,
        });
        if (countBytes) jsonBytes += Buffer.byteLength(JSON.stringify(event));
        writer.enqueue(event);
        if (i % 500 === 0) await writer.backpressure();
      }
      await writer.drained();
    }),
  );
  return { rate: (RUNS * EVENTS_PER_RUN) / ((performance.now() - start) / 1000), jsonBytes };
}

const sqlite = new SqliteRunStore({ path: join(dir, "append.db") });
const memory = new MemoryRunStore();
await appendThroughput(sqlite); // warm-up
const sqliteRates: number[] = [];
const memoryRates: number[] = [];
for (let i = 0; i < 3; i++) {
  sqliteRates.push((await appendThroughput(sqlite)).rate);
  memoryRates.push((await appendThroughput(memory)).rate);
}
await sqlite.close();
await memory.close();
const sqliteRate = median(sqliteRates);
console.log(`store: ${RUNS} concurrent runs x ${EVENTS_PER_RUN} events, batched appends`);
results.figure("SQLite append throughput", sqliteRate, "events/s", {
  decimals: 0,
  target: { ok: sqliteRate >= 300_000, text: ">= 300,000" },
});
results.figure("memory store append throughput", median(memoryRates), "events/s", {
  decimals: 0,
});
results.figure("SQLite / memory throughput ratio", sqliteRate / median(memoryRates), "x");
const batchedUs = 1e6 / sqliteRate;

// Database size: a fresh database holding one round of appends, checkpointed and closed.
{
  const path = join(dir, "size.db");
  const store = new SqliteRunStore({ path });
  const { jsonBytes } = await appendThroughput(store, true);
  await store.close();
  const bytes = [path, `${path}-wal`, `${path}-shm`]
    .filter((file) => existsSync(file))
    .reduce((sum, file) => sum + statSync(file).size, 0);
  const events = RUNS * EVENTS_PER_RUN;
  const ratio = bytes / jsonBytes;
  results.figure("event JSON bytes per event", jsonBytes / events, "bytes", { decimals: 1 });
  results.figure("database bytes per event", bytes / events, "bytes", { decimals: 1 });
  results.figure("database bytes / JSON bytes", ratio, "x", {
    target: { ok: ratio <= 1.1, text: "<= 1.10x" },
  });
}

/** The example crew's shape against a fake model server at `tokenMs` per token. */
async function crewAgainst(tokenMs: number) {
  const fake = await startHelperProcess("./fake-model-process.ts", ["200", String(tokenMs)]);
  const model = createOpenAICompatible({
    name: "bench",
    baseURL: fake.firstLine,
    includeUsage: true,
  }).chatModel("bench");
  const roles = ["Researcher", "Writer", "Reviewer"];
  const crew = new Crew(
    {
      name: "bench",
      agents: roles.map((role) => ({
        key: role.toLowerCase(),
        role,
        goal: `Do ${role} work on {topic}`,
        backstory: "Experienced.",
      })),
      tasks: roles.map((role, i) => ({
        key: `task_${i}`,
        description: `Step ${i} about {topic}.`,
        expectedOutput: "Text.",
        agent: role.toLowerCase(),
      })),
    },
    { model },
  );
  return { crew, stop: () => fake.child.kill() };
}

/** One run through `manager`: its wall and CPU time (ms) and its number of events. */
async function oneRun(
  manager: RunManager,
): Promise<{ wallMs: number; cpuMs: number; events: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const run = await manager.start({ inputs: { topic: "storage" } });
  let status = "";
  let events = 0;
  for await (const event of flatten(await manager.openEvents(run.id))) {
    events += 1;
    if (event.type === "run.end") status = event.status;
  }
  if (status !== "completed") throw new Error(`run ${status}`);
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000, events };
}

/** Runs `iterations` runs on SQLite and on memory, interleaved, after `warmup` of each. */
async function compare(tokenMs: number, warmup: number, iterations: number, file: string) {
  const { crew, stop } = await crewAgainst(tokenMs);
  try {
    const managers = {
      sqlite: new RunManager({
        store: new SqliteRunStore({ path: join(dir, file) }),
        resolveRunner: async () => crewRunner(crew),
      }),
      memory: new RunManager({
        store: new MemoryRunStore(),
        resolveRunner: async () => crewRunner(crew),
      }),
    };
    for (let i = 0; i < warmup; i++) {
      await oneRun(managers.sqlite);
      await oneRun(managers.memory);
    }
    const samples = {
      sqlite: [] as Awaited<ReturnType<typeof oneRun>>[],
      memory: [] as Awaited<ReturnType<typeof oneRun>>[],
    };
    for (let i = 0; i < iterations; i++) {
      const order = i % 2 === 0 ? (["sqlite", "memory"] as const) : (["memory", "sqlite"] as const);
      for (const name of order) samples[name].push(await oneRun(managers[name]));
    }
    await managers.sqlite.close();
    await managers.memory.close();
    const of = (name: "sqlite" | "memory", key: "wallMs" | "cpuMs" | "events") =>
      median(samples[name].map((s) => s[key]));
    return { of };
  } finally {
    stop();
  }
}

try {
  const streaming = await compare(0, 5, 30, "runs.db");
  const ratio = streaming.of("sqlite", "wallMs") / streaming.of("memory", "wallMs");
  results.figure(
    "streaming run wall time, memory (median)",
    streaming.of("memory", "wallMs"),
    "ms",
  );
  results.figure(
    "streaming run wall time, SQLite (median)",
    streaming.of("sqlite", "wallMs"),
    "ms",
  );
  results.figure("streaming run wall time SQLite / memory", ratio, "x", {
    target: { ok: ratio <= 1.05, text: "<= 1.05x" },
  });

  const paced = await compare(1, 1, 6, "paced.db");
  const events = paced.of("sqlite", "events");
  const extraUs =
    ((paced.of("sqlite", "cpuMs") - paced.of("memory", "cpuMs")) * 1000) / Math.max(1, events);
  console.log(`paced live run: ${events} events at 1 ms per token`);
  results.figure("paced run CPU, memory (median)", paced.of("memory", "cpuMs"), "ms");
  results.figure("paced run CPU, SQLite (median)", paced.of("sqlite", "cpuMs"), "ms");
  results.figure("paced run: CPU SQLite adds per event", extraUs, "us", {
    note: `(a batched append costs ${batchedUs.toFixed(2)} us per event)`,
    target: {
      ok: extraUs <= 3 * batchedUs,
      text: `<= 3x the batched cost (${(3 * batchedUs).toFixed(1)} us)`,
    },
  });
  await results.write();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
