import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LanguageModelV3, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { afterAll, expect, it, vi } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import { EventStamper, SlowConsumerError, type CrewEvent } from "../events/index.js";
import { MemoryRunStore, SqliteRunStore, type RunStore } from "../store/index.js";
import { gate, scriptedRunner } from "./test-support/scripted-runner.js";
import { RunManager } from "./run-manager.js";
import { catalogRunners } from "./runner-for-crew.js";
import { runEvents } from "./test-support/run-events.js";

const root = mkdtempSync(join(tmpdir(), "crewstream-delivery-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(events: AsyncIterable<CrewEvent>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const event of events) seqs.push(event.seq);
  return seqs;
}
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

it("shows watchers an event only once the store has it", async () => {
  const store = new MemoryRunStore();
  let release = gate();
  let appends = 0;
  // A store whose appends complete only when the test says so.
  const slowStore: RunStore = {
    createRun: (run) => store.createRun(run),
    getRun: (id) => store.getRun(id),
    findRunIds: (prefix, limit) => store.findRunIds(prefix, limit),
    listRuns: (options) => store.listRuns(options),
    updateRun: (id, patch) => store.updateRun(id, patch),
    readEvents: (id, after, limit) => store.readEvents(id, after, limit),
    listUnfinished: () => store.listUnfinished(),
    listBatch: (batchId) => store.listBatch(batchId),
    listThreads: (options) => store.listThreads(options),
    getThread: (id) => store.getThread(id),
    renameThread: (id, title) => store.renameThread(id, title),
    deleteThread: (id) => store.deleteThread(id),
    close: () => store.close(),
    appendEvents: async (runId, events) => {
      appends += 1;
      await release.promise;
      await store.appendEvents(runId, events);
    },
  };
  const manager = new RunManager({
    store: slowStore,
    resolveRunner: async () => scriptedRunner({ deltas: 5 }),
  });
  const { id } = await manager.start({});
  const seen: number[] = [];
  const watching = (async () => {
    for await (const event of runEvents(manager, id)) seen.push(event.seq);
  })();
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(appends).toBe(1);
  expect(seen).toEqual([]);
  expect((await store.getRun(id))?.lastSeq).toBe(0);
  const first = release;
  release = gate();
  first.open();
  // The first batch is durable now; the next append waits on the new gate.
  await vi.waitFor(async () => {
    const durable = (await store.getRun(id))?.lastSeq ?? 0;
    expect(durable).toBeGreaterThan(0);
    expect(seen).toEqual(range(1, durable));
  });
  release.open();
  await watching;
  expect(seen).toEqual(range(1, 9));
  await manager.close();
});

it("gives watchers joining a busy SQLite-backed run at random cursors every event exactly once", async () => {
  const store = new SqliteRunStore({ path: join(root, "busy.db"), maxBatchEvents: 16 });
  const manager = new RunManager({
    store,
    resolveRunner: async () => scriptedRunner({ deltas: 3000 }),
  });
  const runs = await Promise.all([manager.start({}), manager.start({})]);
  const watchers: Array<{ id: string; after: number; seqs: Promise<number[]> }> = [];
  for (let i = 0; i < 30; i++) {
    const { id } = runs[i % 2]!;
    const lastSeq = (await store.getRun(id))?.lastSeq ?? 0;
    const after = Math.floor(Math.random() * (lastSeq + 1));
    watchers.push({ id, after, seqs: collect(runEvents(manager, id, { after })) });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
  }
  for (const { after, seqs } of watchers) expect(await seqs).toEqual(range(after + 1, 3004));
  await manager.close();
  await store.close();
});

it("drops a watcher that stops pulling a live run, and it resumes from its cursor", async () => {
  const hold = gate();
  const manager = new RunManager({
    store: new MemoryRunStore(),
    resolveRunner: async () => scriptedRunner({ deltas: 0, hold: hold.promise, askInput: true }),
  });
  const { id } = await manager.start({});
  const slow = runEvents(manager, id, { highWaterMark: 1 });
  expect((await slow.next()).value).toMatchObject({ seq: 1 });
  expect((await slow.next()).value).toMatchObject({ seq: 2 });
  const third = slow.next();
  hold.open();
  expect((await third).value).toMatchObject({ seq: 3 });
  await manager.answer(id, "q1", "fine");
  await collect(runEvents(manager, id));
  const error: unknown = await slow.next().catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(SlowConsumerError);
  expect(error).toMatchObject({ code: "slow_consumer", cursor: 3 });
  expect(
    await collect(runEvents(manager, id, { after: (error as SlowConsumerError).cursor })),
  ).toEqual([4, 5, 6]);
  await manager.close();
});

it("holds a run back while its waiting watchers have not been handed its events", async () => {
  const watchers = 300;
  const deltas = 3000;
  const received = Array.from({ length: watchers }, () => 0);
  let maxLead = 0;
  const start = gate();
  const manager = new RunManager({
    store: new MemoryRunStore(),
    resolveRunner: async () => ({
      name: "fast",
      async *stream(_inputs, options) {
        const s = new EventStamper(options.runId ?? "fast");
        yield s.stamp({
          type: "run.start",
          crew: "fast",
          process: "sequential",
          inputs: {},
          agents: [],
          tasks: [],
        });
        await start.promise;
        // As fast as it can: without being held back, the whole run is written in one turn
        // of the event loop, long before the watchers' delivery turns come round.
        for (let i = 0; i < deltas; i++) {
          maxLead = Math.max(maxLead, i + 1 - Math.min(...received));
          yield s.stamp({ type: "text.delta", agent: "a", task: "t", delta: "x" });
        }
        yield s.stamp({
          type: "run.end",
          status: "completed",
          usage: { inputTokens: 0, outputTokens: 0 },
          durationMs: 0,
        });
      },
    }),
  });
  const { id } = await manager.start({});
  await new Promise((resolve) => setTimeout(resolve, 10));
  const done = received.map(async (_, i) => {
    for await (const batch of await manager.openEvents(id, { after: 1 }))
      received[i] = batch[batch.length - 1]!.seq;
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  start.open();
  await Promise.all(done);
  expect(received).toEqual(received.map(() => deltas + 2));
  // Ahead of the slowest watcher by about what it may publish unhanded (128), not by the run.
  expect(maxLead).toBeLessThan(deltas / 4);
  await manager.close();
}, 30_000);

it("lets the event loop turn every few dozen chunks of a model's burst", async () => {
  // A model whose whole answer is there at once (one network read of a fast provider): each
  // read of its stream is answered without waiting. Counted: the chunks read in one turn of
  // the event loop, during which no commit, delivery or other request can go on.
  const chunks = 1000;
  let sinceTurn = 0;
  let armed = false;
  let most = 0;
  const counted = (): void => {
    sinceTurn++;
    if (armed) return;
    armed = true;
    setImmediate(() => {
      most = Math.max(most, sinceTurn);
      sinceTurn = 0;
      armed = false;
    });
  };
  const burst: LanguageModelV3 = {
    specificationVersion: "v3",
    provider: "test",
    modelId: "burst",
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("streaming only")),
    doStream: async () => {
      const parts: LanguageModelV3StreamPart[] = [
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t" },
        ...Array.from({ length: chunks }, () => ({
          type: "text-delta" as const,
          id: "t",
          delta: "word ",
        })),
        { type: "text-end", id: "t" },
        {
          type: "finish",
          usage: {
            inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: chunks, text: chunks, reasoning: 0 },
          },
          finishReason: { unified: "stop", raw: "stop" },
        },
      ];
      let next = 0;
      const stream = new ReadableStream<LanguageModelV3StreamPart>(
        {
          pull(controller) {
            counted();
            const part = parts[next++];
            if (part === undefined) controller.close();
            else controller.enqueue(part);
          },
        },
        { highWaterMark: 0 },
      );
      return { stream };
    },
  };
  const examples = fileURLToPath(new URL("../../examples", import.meta.url));
  const manager = new RunManager({
    store: new SqliteRunStore({ path: join(root, "burst.db") }),
    resolveRunner: catalogRunners(new CrewCatalog({ dirs: [examples] })),
    model: burst,
  });
  const { id } = await manager.start({ crew: "research-crew", inputs: { topic: "otters" } });
  const events: CrewEvent[] = [];
  for await (const batch of await manager.openEvents(id, { after: 0 })) events.push(...batch);
  expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
  expect(events.filter((e) => e.type === "text.delta").length).toBeGreaterThanOrEqual(chunks);
  // The run takes 32 events a turn and its model turn may run 32 ahead: not the whole answer.
  expect(most).toBeGreaterThan(0);
  expect(most).toBeLessThanOrEqual(100);
  await manager.close();
}, 30_000);
