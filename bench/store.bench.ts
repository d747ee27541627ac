/**
 * Storage costs: (1) SQLite event append throughput with batched, group-committed writes, as a
 * run's writer makes them (target >= 200,000 events/s), next to the memory store; (2) a
 * streaming run's wall time through the run manager with SQLite versus the memory store
 * (target <= 1.05x), the run being the example crew's shape against the fake model server.
 */
import { mkdtempSync, rmSync } from "node:fs";
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
import { fmt, median, report, startHelperProcess } from "./harness.js";

// The package as built (what users run), not the TypeScript sources through tsx.
const { Crew } = await loadBuilt<typeof CrewModule>("engine/index.js");
const { EventStamper, flatten } = await loadBuilt<typeof Events>("events/index.js");
const { RunManager } = await loadBuilt<typeof Runs>("runs/index.js");
const { crewRunner } = await loadBuilt<typeof Runners>("runs/crew-runner.js");
const { RunWriter } = await loadBuilt<typeof Writer>("runs/run-writer.js");
const { MemoryRunStore, SqliteRunStore } = await loadBuilt<typeof Store>("store/index.js");
type RunStore = Store.RunStore;
type RunManager = Runs.RunManager;

const RUNS = 10;
const EVENTS_PER_RUN = 20_000;
const dir = mkdtempSync(join(tmpdir(), "crewstream-bench-"));

/** Appends RUNS x EVENTS_PER_RUN text deltas through run writers; answers events per second. */
async function appendThroughput(store: RunStore): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: RUNS }, async (_, r) => {
      const runId = `bench-${r}-${Math.random().toString(36).slice(2)}`;
      await store.createRun({ id: runId, crew: "bench", inputs: {}, status: "running" });
      const stamper = new EventStamper(runId);
      const writer = new RunWriter(runId, store, 0, {
        publish() {},
        fail(error) {
          throw error;
        },
      });
      for (let i = 0; i < EVENTS_PER_RUN; i++) {
        writer.enqueue(
          stamper.stamp({
            type: "text.delta",
            agent: "writer",
            task: "draft",
            delta: `token ${i} `,
          }),
        );
        if (i % 500 === 0) await writer.backpressure();
      }
      await writer.drained();
    }),
  );
  return (RUNS * EVENTS_PER_RUN) / ((performance.now() - start) / 1000);
}

const sqlite = new SqliteRunStore({ path: join(dir, "append.db") });
const memory = new MemoryRunStore();
await appendThroughput(sqlite); // warm-up
const sqliteRates: number[] = [];
const memoryRates: number[] = [];
for (let i = 0; i < 3; i++) {
  sqliteRates.push(await appendThroughput(sqlite));
  memoryRates.push(await appendThroughput(memory));
}
await sqlite.close();
await memory.close();
const sqliteRate = median(sqliteRates);
console.log(`store: ${RUNS} concurrent runs x ${EVENTS_PER_RUN} events, batched appends`);
report("SQLite append throughput (events/s)", fmt(sqliteRate, 0), {
  ok: sqliteRate >= 200_000,
  text: ">= 200,000",
});
report("memory store append throughput (events/s)", fmt(median(memoryRates), 0));
report("SQLite / memory throughput ratio", `${fmt(sqliteRate / median(memoryRates))}x`);

// A streaming run through the run manager: SQLite versus memory.
const { child, firstLine: baseURL } = await startHelperProcess("./fake-model-process.ts", ["200"]);
try {
  const model = createOpenAICompatible({ name: "bench", baseURL, includeUsage: true }).chatModel(
    "bench",
  );
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
  const managers = {
    sqlite: new RunManager({
      store: new SqliteRunStore({ path: join(dir, "runs.db") }),
      resolveRunner: async () => crewRunner(crew),
    }),
    memory: new RunManager({
      store: new MemoryRunStore(),
      resolveRunner: async () => crewRunner(crew),
    }),
  };
  async function oneRun(manager: RunManager): Promise<number> {
    const start = performance.now();
    const run = await manager.start({ inputs: { topic: "storage" } });
    let status = "";
    for await (const event of flatten(await manager.openEvents(run.id)))
      if (event.type === "run.end") status = event.status;
    if (status !== "completed") throw new Error(`run ${status}`);
    return performance.now() - start;
  }
  for (let i = 0; i < 5; i++) {
    await oneRun(managers.sqlite);
    await oneRun(managers.memory);
  }
  const times = { sqlite: [] as number[], memory: [] as number[] };
  for (let i = 0; i < 30; i++) {
    const order = i % 2 === 0 ? (["sqlite", "memory"] as const) : (["memory", "sqlite"] as const);
    for (const name of order) times[name].push(await oneRun(managers[name]));
  }
  const ratio = median(times.sqlite) / median(times.memory);
  report("streaming run wall time, memory (ms, median)", fmt(median(times.memory)));
  report("streaming run wall time, SQLite (ms, median)", fmt(median(times.sqlite)));
  report("streaming run wall time SQLite / memory", `${fmt(ratio)}x`, {
    ok: ratio <= 1.05,
    text: "<= 1.05x",
  });
  await managers.sqlite.close();
  await managers.memory.close();
} finally {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
